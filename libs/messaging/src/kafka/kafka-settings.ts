import { connect as connectTcp, isIP } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { Kafka, logLevel, Partitioners, type Consumer, type ConsumerConfig, type ISocketFactory, type KafkaConfig, type LogEntry, type ProducerConfig, type RetryOptions, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import type { PayloadKey } from './payload-sealer';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** This process's stable name: its reply topic and consumer groups derive from it. */
  instanceId: string;
  /** Starts every topic and consumer group name: "nix" gives nix.inquiry.identity.v1, nix.traffic.v1. */
  topicPrefix: string;
  partitions: number;
  replicationFactor: number;
  /** Inquiry and reply topics carry content: they keep it only minutes (R3). */
  inquiryRetentionMs: number;
  trafficRetentionMs: number;
  /** Keys of the inquiry and reply bodies (AES-256-GCM): the first seals, all open. */
  payloadKeys: PayloadKey[];
  /** TLS to the brokers: ca is a PEM (null: the system's CAs). Unset or null: plaintext. */
  ssl?: { ca: string | null } | null;
  /** The SASL user of this process, whose ACLs decide what it may read and write. Unset or null: none. */
  sasl?: { mechanism: 'scram-sha-512' | 'scram-sha-256'; username: string; password: string } | null;
}

/** A process's Kafka settings, from its configuration (NixConfig's kafka part and instance ID). */
export function kafkaSettingsOf(config: { kafka: Omit<KafkaSettings, 'instanceId'>; instanceId: string }): KafkaSettings {
  return { ...config.kafka, instanceId: config.instanceId };
}

/**
 * Metadata (which broker leads which partition) is refreshed at least this
 * often, besides whenever a request fails on stale metadata: a restarted or
 * moved broker is found within seconds rather than kafkajs' five minutes.
 */
export const METADATA_MAX_AGE_MS = 10_000;

/** Consumers of inquiries and replies: latency-bound, and restarted by kafkajs after any failure it deems retriable. */
export function inquiryConsumerConfig(groupId: string): ConsumerConfig {
  return {
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    metadataMaxAge: METADATA_MAX_AGE_MS,
    // kafkajs answers a message that arrives mid-poll sooner with short polls: measured p50 4 ms at 20 ms, 6 ms at 100 ms.
    maxWaitTimeInMs: 20,
    // A crash after these is restarted by kafkajs (or, when it gives up, by KeptConsumer) within a second or two.
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 2000, restartOnFailure: async () => true },
  };
}

/** Producers of inquiries and replies: a send fails fast (the caller answers 503), and the next one reconnects. */
export function producerConfig(retry: RetryOptions): ProducerConfig {
  return { createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, metadataMaxAge: METADATA_MAX_AGE_MS, retry };
}

/** Resolves when the consumer has joined its group: only then does it take messages. Call before run(). */
export function joinedGroup(consumer: Consumer): Promise<void> {
  return new Promise((resolve) => {
    const off = consumer.on(consumer.events.GROUP_JOIN, () => {
      off();
      resolve();
    });
  });
}

/** The Kafka topic of a transport address (inquiry.identity.v1 → nix.inquiry.identity.v1). */
export function topicOf(settings: Pick<KafkaSettings, 'topicPrefix'>, address: string): string {
  return `${settings.topicPrefix}.${address}`;
}

export function trafficTopicOf(settings: Pick<KafkaSettings, 'topicPrefix'>): string {
  return topicOf(settings, 'traffic.v1');
}

export function replyTopicOf(settings: Pick<KafkaSettings, 'topicPrefix' | 'instanceId'>): string {
  return topicOf(settings, `reply.${settings.instanceId}`);
}

/** A kafkajs client whose own log lines go to pino, and which gives up fast instead of hanging when Kafka is away. */
export function createKafka(settings: KafkaSettings, logger: Logger, role: string): Kafka {
  const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
    [logLevel.ERROR]: 'error',
    [logLevel.WARN]: 'warn',
    [logLevel.INFO]: 'info',
    [logLevel.DEBUG]: 'debug',
  };
  const config: KafkaConfig = {
    clientId: `${settings.clientId}-${role}-${settings.instanceId}`,
    brokers: settings.brokers,
    socketFactory: noDelaySocket,
    ...kafkaSecurity(settings),
    // A TLS handshake takes longer than a TCP connect, more so on a busy machine.
    connectionTimeout: settings.ssl ? 5000 : 1000,
    requestTimeout: 5000,
    retry: { initialRetryTime: 100, maxRetryTime: 2000, retries: 5 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        logger[levels[level] ?? 'info']({ kafka: extra.broker ?? extra.groupId ?? role, error: extra.error }, `kafka: ${message}`);
      },
  };
  return new Kafka(config);
}

/** The TLS and SASL part of a kafkajs client's configuration: what a Kafka tool of NIX's needs to reach a secured cluster. */
export function kafkaSecurity(settings: Pick<KafkaSettings, 'ssl' | 'sasl'>): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  return {
    ...(settings.ssl ? { ssl: settings.ssl.ca ? { ca: [settings.ssl.ca] } : true } : {}),
    ...(settings.sasl ? { sasl: { ...settings.sasl } as SASLOptions } : {}),
  };
}

/**
 * kafkajs leaves Nagle's algorithm on; with request/reply traffic of small
 * messages that adds tens of milliseconds whenever a write waits for a
 * delayed ACK. Inquiries are latency-bound, so every broker socket sends at once.
 */
const noDelaySocket: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  // SNI carries host names only (RFC 6066); an IP address is still checked against the certificate's IP SANs.
  const socket = ssl ? connectTls({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect) : connectTcp({ host, port }, onConnect);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 30_000);
  return socket;
};
