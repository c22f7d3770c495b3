import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { Admin, Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Clock, InquiryMessage, InquiryReply } from '@nix/domain';
import { AdapterPresence, type AdapterPresenceSettings, DEFAULT_ADAPTER_PRESENCE } from '../adapter-presence';
import { requestOnce, type AdapterAwareTransport, type DirectRequests, type TransportStatus } from '../inquiry-dispatcher';
import { TransportUnavailableError } from '../transport-errors';
import { BatchingProducer } from './batching-producer';
import { inquiryToKafka, replyExchangeId, replyFromKafka } from './kafka-envelope';
import { createKafka, inquiryConsumerConfig, producerConfig, replyTopicOf, topicOf, type KafkaSettings } from './kafka-settings';
import { ensureTopics, inquiryTopicConfig, replyTopicConfig } from './kafka-topics';
import { KeptConsumer } from './kept-consumer';
import { OffsetCommits } from './offset-commits';
import { PayloadSealer, UnopenablePayloadError } from './payload-sealer';

export interface KafkaClientObserver {
  lateReply(registry: string): void;
  /** A reply whose body did not open (another key, exchange or topic): dropped; its caller waits on for the real one. */
  unopened(topic: string): void;
}

export interface KafkaInquiryClientOptions {
  settings: KafkaSettings;
  logger: Logger;
  clock: Clock;
  /** The inquiry addresses of the catalogue: their topics exist before the first inquiry is sent. */
  addresses: string[];
  observer?: KafkaClientObserver;
  presence?: AdapterPresenceSettings;
  /** The kafkajs client; made from the settings unless given. */
  kafka?: Kafka;
}

type Callback = (packet: WritePacket) => void;

/** After a failed send, other sends fail at once for this long, while one probe at a time tries Kafka. */
const PROBE_INTERVAL_MS = 500;
/** Setting up (topics, producer) is tried again in the background this often, doubling, while Kafka is away. */
const SETUP_BACKOFF = { initialMs: 500, maxMs: 10_000 };

/**
 * The broker's half of the Kafka transport. Inquiries go to the registry's
 * topic; the adapter replies to this instance's own reply topic, where the
 * reply finds its caller by exchange ID, so broker instances never take each
 * other's replies. A reply that comes after its caller gave up is dropped and
 * counted. An inquiry to a registry that no adapter serves is refused at
 * once (see AdapterPresence). While Kafka is away every send fails fast, and
 * the client keeps trying in the background until it is back.
 */
export class KafkaInquiryClient extends ClientProxy implements TransportStatus, AdapterAwareTransport, DirectRequests {
  readonly kind = 'kafka' as const;
  readonly replyTopic: string;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly sender: BatchingProducer;
  private readonly replies: KeptConsumer;
  private readonly admin: Admin;
  private readonly presence: AdapterPresence;
  private readonly pending = new Map<string, { callback: Callback; registry: string }>();
  private replyCommits: OffsetCommits | undefined;
  /** Exchanges whose callers gave up, kept briefly to name the registry of a late reply. */
  private readonly abandoned = new Map<string, string>();
  private setup: Promise<void> | null = null;
  private prepared = false;
  private closed = false;
  private setupAttempts = 0;
  private setupRetry: NodeJS.Timeout | undefined;
  private failingSince = 0;
  private lastProbe = 0;
  private readonly settings: KafkaSettings;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly addresses: string[];
  /** The addresses whose topics exist: the catalogue's at start, and those learned since. */
  private readonly known: Set<string>;
  private readonly observer: KafkaClientObserver;
  private readonly sealer: PayloadSealer;

  constructor(options: KafkaInquiryClientOptions) {
    super();
    const { settings, logger } = options;
    this.settings = settings;
    this.logger = logger;
    this.clock = options.clock;
    this.addresses = options.addresses;
    this.known = new Set(options.addresses);
    this.observer = options.observer ?? { lateReply: () => undefined, unopened: () => undefined };
    this.sealer = new PayloadSealer(settings.payloadKeys);
    this.replyTopic = replyTopicOf(settings);
    this.kafka = options.kafka ?? createKafka(settings, logger, 'broker');
    this.producer = this.kafka.producer(producerConfig({ retries: 2, initialRetryTime: 50, maxRetryTime: 300 }));
    this.sender = new BatchingProducer(this.producer, { acks: 1, maxBatch: 500, concurrency: 1 });
    this.replies = new KeptConsumer({
      name: this.replyTopic,
      logger,
      clock: this.clock,
      create: () => this.kafka.consumer(inquiryConsumerConfig(this.replyTopic)),
      start: (consumer) => this.consumeReplies(consumer),
      beforeStop: async () => this.replyCommits?.close(),
    });
    this.admin = this.kafka.admin();
    this.presence = new AdapterPresence(this.addresses, (a) => this.adapterMembers(a), this.clock, options.presence ?? DEFAULT_ADAPTER_PRESENCE);
  }

  /** Whether inquiries can be sent now, and their replies read. */
  isConnected(): boolean {
    return this.prepared && this.replies.isRunning && this.failingSince === 0;
  }

  /** False when a fresh look at Kafka found no adapter in the address's consumer group. */
  async isServed(address: string): Promise<boolean> {
    if (!this.prepared) return true;
    if (!this.known.has(address)) await this.learn(address);
    return this.presence.isServed(address);
  }

  /**
   * An address published after start (a new registry or major): its topic is made before the first inquiry goes to
   * it, and its adapters are looked for from then on. A failure is tried again on the next inquiry.
   */
  private async learn(address: string): Promise<void> {
    try {
      await ensureTopics(this.admin, [inquiryTopicConfig(topicOf(this.settings, address), this.settings)], this.clock);
      this.known.add(address);
      this.presence.watch(address);
    } catch (error) {
      this.logger.warn({ err: error, address }, 'the topic of a newly published address could not be made yet');
    }
  }

  /** Members of each address's adapter consumer group, as Kafka reports them. */
  async adapterCounts(addresses: string[]): Promise<Record<string, number>> {
    const groups = addresses.map((a) => topicOf(this.settings, `adapter.${a}`));
    const { groups: described } = await this.admin.describeGroups(groups);
    const members = new Map(described.map((g) => [g.groupId, g.state === 'Stable' ? g.members.length : 0]));
    return Object.fromEntries(addresses.map((a, i) => [a, members.get(groups[i]) ?? 0]));
  }

  /**
   * Called before every send. Until the transport is up (topics made,
   * producer connected, reply consumer in its group), it lets the setup run
   * and fails at once, so a consumer gets a fast 503 instead of waiting for Kafka.
   */
  connect(): Promise<void> {
    if (this.prepared && this.replies.isRunning) return Promise.resolve();
    // Once set up, the reply consumer comes back by itself (KeptConsumer); only a setup that failed needs a push.
    if (!this.prepared) void this.ready().catch(() => undefined);
    return Promise.reject(new TransportUnavailableError(this.prepared ? 'the Kafka reply consumer is not in its group now' : 'the Kafka transport is not connected yet'));
  }

  /**
   * Sets up, or waits for the attempt under way, then for the reply consumer
   * to join; rejects if either fails. A failed setup is tried again in the
   * background with backoff, and the reply consumer is kept by KeptConsumer.
   */
  async ready(): Promise<void> {
    if (this.prepared && this.replies.isRunning) return;
    this.setup ??= this.prepare().catch(async (error: Error) => {
      this.setup = null;
      await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
      this.retrySetup();
      throw new TransportUnavailableError(`Kafka is not reachable (${error.message})`);
    });
    await this.setup;
    if (!(await this.replies.nextOutcome())) throw new TransportUnavailableError('the Kafka reply consumer cannot join its group yet');
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.setupRetry);
    this.presence.stop();
    await Promise.allSettled([this.replies.stop(), this.producer.disconnect()]);
    await this.admin.deleteTopics({ topics: [this.replyTopic], timeout: 2000 }).catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
    for (const { callback } of this.pending.values()) callback({ err: new TransportUnavailableError('the broker is shutting down'), isDisposed: true });
    this.pending.clear();
  }

  unwrap<T>(): T {
    return this.kafka as T;
  }

  /** send() as a promise, without rxjs: what the dispatcher calls per inquiry. */
  request(address: string, message: InquiryMessage, waitMs: number): Promise<InquiryReply> {
    return requestOnce(() => this.connect(), (packet, callback) => this.publish(packet, callback), address, message, waitMs);
  }

  protected publish(packet: ReadPacket, callback: Callback): () => void {
    const message = packet.data as InquiryMessage;
    const now = this.clock.now();
    if (this.failingSince > 0) {
      if (now - this.lastProbe < PROBE_INTERVAL_MS) {
        callback({ err: new TransportUnavailableError('Kafka is not taking inquiries now'), isDisposed: true });
        return () => undefined;
      }
      this.lastProbe = now;
    }
    this.pending.set(message.exchangeId, { callback, registry: message.registry });
    const topic = topicOf(this.settings, packet.pattern as string);
    this.sender.send(topic, inquiryToKafka(message, this.replyTopic, topic, this.sealer)).then(
      () => {
        this.failingSince = 0;
      },
      (error: Error) => {
        this.failingSince ||= this.clock.now();
        this.lastProbe = this.clock.now();
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

  /** NIX sends inquiries only: an unsealed event body on Kafka would break R3, so none is sent. */
  protected dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    return Promise.reject(new Error(`the Kafka transport sends no events (pattern ${String(packet.pattern)})`));
  }

  /** Makes the topics and connects the producer, then starts keeping the reply consumer. */
  private async prepare(): Promise<void> {
    await this.admin.connect();
    await ensureTopics(
      this.admin,
      [replyTopicConfig(this.replyTopic, this.settings), ...this.addresses.map((address) => inquiryTopicConfig(topicOf(this.settings, address), this.settings))],
      this.clock,
    );
    await this.producer.connect();
    if (this.closed) return;
    this.prepared = true;
    this.setupAttempts = 0;
    this.replies.start();
    this.presence.start();
    this.logger.info({ replyTopic: this.replyTopic }, 'kafka transport connected');
  }

  private retrySetup(): void {
    if (this.closed || this.setupRetry) return;
    const waitMs = Math.min(SETUP_BACKOFF.maxMs, SETUP_BACKOFF.initialMs * 2 ** Math.min(this.setupAttempts++, 10));
    this.setupRetry = setTimeout(() => {
      this.setupRetry = undefined;
      if (!this.closed && !this.prepared) void this.ready().catch(() => undefined);
    }, waitMs);
    this.setupRetry.unref();
  }

  private async consumeReplies(consumer: Consumer): Promise<void> {
    await consumer.connect();
    await consumer.subscribe({ topic: this.replyTopic, fromBeginning: false });
    const commits = (this.replyCommits = new OffsetCommits(consumer, (error) => this.logger.warn({ err: error }, 'the reply consumer could not commit its offsets')));
    // Committed by OffsetCommits, at most twice a second: kafkajs would commit after every batch.
    await consumer.run({ autoCommit: false, eachBatch: (payload) => this.onReplies(payload, commits) });
  }

  /** Members of each address's adapter consumer group, joining ones included. */
  private async adapterMembers(addresses: string[]): Promise<Record<string, number>> {
    const groups = addresses.map((a) => topicOf(this.settings, `adapter.${a}`));
    const { groups: described } = await this.admin.describeGroups(groups);
    const members = new Map(described.map((g) => [g.groupId, g.members.length]));
    return Object.fromEntries(addresses.map((a, i) => [a, members.get(groups[i]) ?? 0]));
  }

  private rememberAbandoned(exchangeId: string, registry: string): void {
    if (this.abandoned.size >= 10_000) this.abandoned.delete(this.abandoned.keys().next().value!);
    this.abandoned.set(exchangeId, registry);
  }

  private async onReplies({ batch, resolveOffset, heartbeat }: EachBatchPayload, commits: OffsetCommits): Promise<void> {
    for (const record of batch.messages) {
      const exchangeId = replyExchangeId(record);
      const waiting = exchangeId ? this.pending.get(exchangeId) : undefined;
      if (!waiting) {
        const registry = (exchangeId && this.abandoned.get(exchangeId)) || 'unknown';
        if (exchangeId) this.abandoned.delete(exchangeId);
        this.observer.lateReply(registry);
      } else {
        let reply: InquiryReply | undefined;
        try {
          reply = replyFromKafka(record, batch.topic, this.sealer);
        } catch (error) {
          if (!(error instanceof UnopenablePayloadError)) {
            this.pending.delete(exchangeId!);
            waiting.callback({ err: new TransportUnavailableError(`unreadable reply (${(error as Error).message})`), isDisposed: true });
          } else {
            // Not this exchange's reply (replayed, or sealed with a key this broker lacks): the caller waits on.
            this.observer.unopened(batch.topic);
            this.logger.warn({ topic: batch.topic, partition: batch.partition, offset: record.offset, exchangeId, keyId: error.keyId, reason: error.reason }, 'broker dropped a reply whose body does not open');
          }
        }
        if (reply) {
          this.pending.delete(exchangeId!);
          waiting.callback({ response: reply, isDisposed: true });
        }
      }
      resolveOffset(record.offset);
    }
    const last = batch.messages[batch.messages.length - 1];
    if (last) commits.handled(batch.topic, batch.partition, last.offset);
    await heartbeat();
  }
}
