import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { Admin, Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import type { Logger } from 'pino';
import type { InquiryMessage } from '@nix/domain';
import type { TransportStatus } from '../inquiry-dispatcher';
import { TransportUnavailableError } from '../transport-errors';
import { BatchingProducer } from './batching-producer';
import { inquiryToKafka, replyExchangeId, replyFromKafka } from './kafka-envelope';
import { createKafka, inquiryConsumerConfig, joinedGroup, replyTopicOf, topicOf, type KafkaSettings } from './kafka-settings';
import { ensureTopics, inquiryTopicConfig, replyTopicConfig } from './kafka-topics';

export interface KafkaClientObserver {
  lateReply(registry: string): void;
}

type Callback = (packet: WritePacket) => void;

/** After a failed send, other sends fail at once for this long, while one probe at a time tries Kafka. */
const PROBE_INTERVAL_MS = 500;

/**
 * The broker's half of the Kafka transport. Inquiries go to the registry's
 * topic; the adapter replies to this instance's own reply topic, where the
 * reply finds its caller by exchange ID, so broker instances never take each
 * other's replies. A reply that comes after its caller gave up is dropped and
 * counted.
 */
export class KafkaInquiryClient extends ClientProxy implements TransportStatus {
  readonly kind = 'kafka' as const;
  readonly replyTopic: string;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly sender: BatchingProducer;
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly pending = new Map<string, { callback: Callback; registry: string }>();
  /** Exchanges whose callers gave up, kept briefly to name the registry of a late reply. */
  private readonly abandoned = new Map<string, string>();
  private connection: Promise<void> | null = null;
  private connected = false;
  private failingSince = 0;
  private lastProbe = 0;

  constructor(
    private readonly settings: KafkaSettings,
    private readonly logger: Logger,
    /** The inquiry addresses of the catalogue: their topics exist before the first inquiry is sent. */
    private readonly addresses: string[],
    private readonly observer: KafkaClientObserver = { lateReply: () => undefined },
  ) {
    super();
    this.replyTopic = replyTopicOf(settings);
    this.kafka = createKafka(settings, logger, 'broker');
    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 300 } });
    this.sender = new BatchingProducer(this.producer, { acks: 1, maxBatch: 500, concurrency: 1 });
    this.consumer = this.kafka.consumer(inquiryConsumerConfig(this.replyTopic));
    this.admin = this.kafka.admin();
  }

  /** Whether inquiries can be sent now. */
  isConnected(): boolean {
    return this.connected && this.failingSince === 0;
  }

  /** Members of each address's adapter consumer group, as Kafka reports them. */
  async adapterCounts(addresses: string[]): Promise<Record<string, number>> {
    const groups = addresses.map((a) => topicOf(this.settings, `adapter.${a}`));
    const { groups: described } = await this.admin.describeGroups(groups);
    const members = new Map(described.map((g) => [g.groupId, g.state === 'Stable' ? g.members.length : 0]));
    return Object.fromEntries(addresses.map((a, i) => [a, members.get(groups[i]) ?? 0]));
  }

  /**
   * Called before every send. Until the transport is up, it starts (or lets
   * run) one attempt to connect in the background and fails at once, so a
   * consumer gets a fast 503 instead of waiting for Kafka.
   */
  connect(): Promise<void> {
    if (this.connected) return Promise.resolve();
    void this.ready().catch(() => undefined);
    return Promise.reject(new TransportUnavailableError('the Kafka transport is not connected yet'));
  }

  /** Connects, or waits for the attempt under way; rejects if it fails (the next call tries again). */
  ready(): Promise<void> {
    if (this.connected) return Promise.resolve();
    this.connection ??= this.open().catch(async (error: Error) => {
      this.connection = null;
      await Promise.allSettled([this.consumer.disconnect(), this.producer.disconnect(), this.admin.disconnect()]);
      throw new TransportUnavailableError(`Kafka is not reachable (${error.message})`);
    });
    return this.connection;
  }

  async close(): Promise<void> {
    this.connected = false;
    await Promise.allSettled([this.consumer.disconnect(), this.producer.disconnect()]);
    await this.admin.deleteTopics({ topics: [this.replyTopic], timeout: 2000 }).catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    for (const { callback } of this.pending.values()) callback({ err: new TransportUnavailableError('the broker is shutting down'), isDisposed: true });
    this.pending.clear();
  }

  unwrap<T>(): T {
    return this.kafka as T;
  }

  protected publish(packet: ReadPacket, callback: Callback): () => void {
    const message = packet.data as InquiryMessage;
    const now = Date.now();
    if (this.failingSince > 0) {
      if (now - this.lastProbe < PROBE_INTERVAL_MS) {
        callback({ err: new TransportUnavailableError('Kafka is not taking inquiries now'), isDisposed: true });
        return () => undefined;
      }
      this.lastProbe = now;
    }
    this.pending.set(message.exchangeId, { callback, registry: message.registry });
    this.sender.send(topicOf(this.settings, packet.pattern as string), inquiryToKafka(message, this.replyTopic)).then(
      () => {
        this.failingSince = 0;
      },
      (error: Error) => {
        this.failingSince ||= Date.now();
        this.lastProbe = Date.now();
        if (this.pending.delete(message.exchangeId)) {
          callback({ err: new TransportUnavailableError(`Kafka did not take the inquiry (${error.message})`), isDisposed: true });
        }
      },
    );
    return () => {
      // The caller stopped waiting (its deadline passed): a reply may still come, late.
      if (this.pending.delete(message.exchangeId)) this.rememberAbandoned(message.exchangeId, message.registry);
    };
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    await this.sender.send(topicOf(this.settings, packet.pattern as string), { value: JSON.stringify(packet.data) });
    return undefined as T;
  }

  private async open(): Promise<void> {
    await this.admin.connect();
    await ensureTopics(this.admin, [
      replyTopicConfig(this.replyTopic, this.settings),
      ...this.addresses.map((address) => inquiryTopicConfig(topicOf(this.settings, address), this.settings)),
    ]);
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.replyTopic, fromBeginning: false });
    const joined = joinedGroup(this.consumer);
    await this.consumer.run({ autoCommitInterval: 1000, eachBatch: (payload) => this.onReplies(payload) });
    await joined;
    this.connected = true;
    this.logger.info({ replyTopic: this.replyTopic }, 'kafka transport connected');
  }

  private rememberAbandoned(exchangeId: string, registry: string): void {
    if (this.abandoned.size >= 10_000) this.abandoned.delete(this.abandoned.keys().next().value!);
    this.abandoned.set(exchangeId, registry);
  }

  private async onReplies({ batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    for (const record of batch.messages) {
      const exchangeId = replyExchangeId(record);
      const waiting = exchangeId ? this.pending.get(exchangeId) : undefined;
      if (!waiting) {
        const registry = (exchangeId && this.abandoned.get(exchangeId)) || 'unknown';
        if (exchangeId) this.abandoned.delete(exchangeId);
        this.observer.lateReply(registry);
      } else {
        this.pending.delete(exchangeId!);
        try {
          waiting.callback({ response: replyFromKafka(record), isDisposed: true });
        } catch (error) {
          waiting.callback({ err: new TransportUnavailableError(`unreadable reply (${(error as Error).message})`), isDisposed: true });
        }
      }
      resolveOffset(record.offset);
    }
    await heartbeat();
  }
}
