import { BaseRpcContext, Server, type CustomTransportStrategy } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import type { Logger } from 'pino';
import type { Clock, InquiryMessage, InquiryReply } from '@nix/domain';
import { BatchingProducer } from './batching-producer';
import { inquiryFromKafka, replyToKafka, type ReceivedInquiry } from './kafka-envelope';
import { createKafka, inquiryConsumerConfig, producerConfig, topicOf, type KafkaSettings } from './kafka-settings';
import { ensureTopicsOnce, inquiryTopicConfig } from './kafka-topics';
import { KeptConsumer } from './kept-consumer';
import { OffsetCommits } from './offset-commits';
import { PayloadSealer, UnopenablePayloadError } from './payload-sealer';

export interface KafkaServerObserver {
  expired(registry: string): void;
  lag(group: string, topic: string, messages: number): void;
  /** A message whose body did not open (another key, exchange or topic): dropped. */
  unopened(topic: string): void;
}

export interface KafkaInquiryServerOptions {
  settings: KafkaSettings;
  logger: Logger;
  clock: Clock;
  observer?: KafkaServerObserver;
  /** The kafkajs client; made from the settings unless given. */
  kafka?: Kafka;
}

/** How long an adapter process waits at start for its consumers to join before serving its health endpoints. */
const STARTUP_WAIT_MS = 60_000;

export class KafkaInquiryContext extends BaseRpcContext<[string, number]> {
  getTopic(): string {
    return this.args[0];
  }

  getPartition(): number {
    return this.args[1];
  }
}

/**
 * The adapters' half of the Kafka transport. Each registry topic is read by
 * its own consumer group, so adapter instances of a registry share its
 * partitions and scale out by adding instances. Work whose deadline has
 * passed is dropped unread. Offsets are committed once a batch is answered
 * (at most twice a second: OffsetCommits), so an adapter that dies mid-batch
 * leaves its inquiries to the next one.
 * Started while Kafka is away, it keeps trying (and reports not running)
 * until it joins; consumers that kafkajs gives up on are made anew.
 */
export class KafkaInquiryServer extends Server implements CustomTransportStrategy {
  override readonly transportId = Symbol('nix-kafka');
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly sender: BatchingProducer;
  private readonly consumers: KeptConsumer[] = [];
  /** Per address, the offset commits of its current consumer. */
  private readonly commits = new Map<string, OffsetCommits>();
  private producing: Promise<void> | null = null;
  private closed = false;
  private listening = false;
  private readonly settings: KafkaSettings;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly observer: KafkaServerObserver;
  private readonly sealer: PayloadSealer;

  constructor(options: KafkaInquiryServerOptions) {
    super();
    this.settings = options.settings;
    this.log = options.logger;
    this.clock = options.clock;
    this.observer = options.observer ?? { expired: () => undefined, lag: () => undefined, unopened: () => undefined };
    this.sealer = new PayloadSealer(this.settings.payloadKeys);
    this.kafka = options.kafka ?? createKafka(this.settings, this.log, 'adapter');
    this.producer = this.kafka.producer(producerConfig({ retries: 3, initialRetryTime: 50, maxRetryTime: 500 }));
    this.sender = new BatchingProducer(this.producer, { acks: 1, maxBatch: 500, concurrency: 1 });
  }

  /** Whether every registry's consumer is in its group. */
  get isRunning(): boolean {
    return this.consumers.length > 0 && this.consumers.every((c) => c.isRunning);
  }

  /**
   * Starts a kept consumer per registry and waits until they have joined, or
   * at most STARTUP_WAIT_MS: the process then serves its health endpoints
   * (not ready) while the consumers keep trying in the background.
   */
  async listen(callback: (error?: unknown) => void): Promise<void> {
    for (const address of this.messageHandlers.keys()) this.startConsumer(address);
    this.listening = true;
    // Wait until every consumer has joined, or one attempt has failed (Kafka away): either way the process knows where it stands.
    const joined = await new Promise<boolean>((resolve) => {
      let pending = this.consumers.length;
      if (pending === 0) resolve(true);
      setTimeout(resolve, STARTUP_WAIT_MS, false).unref();
      for (const consumer of this.consumers) {
        void consumer.nextOutcome().then((ok) => (!ok ? resolve(false) : --pending === 0 && resolve(true)));
      }
    });
    if (!joined) this.log.warn('Kafka is not reachable yet: the adapters keep trying, and report not ready until they join');
    callback();
  }

  /**
   * Takes a new address's inquiries from now on (a service published while the adapters run): its handler, and a
   * kept consumer in the address's group, as listen() starts for the addresses known at start.
   */
  serveAddress(address: string, handler: (message: InquiryMessage) => Promise<unknown>): void {
    if (this.closed || this.messageHandlers.has(address)) return;
    this.addHandler(address, (message: InquiryMessage) => handler(message), false);
    if (this.listening) this.startConsumer(address);
  }

  private startConsumer(address: string): void {
    const topic = topicOf(this.settings, address);
    const groupId = topicOf(this.settings, `adapter.${address}`);
    const consumer = new KeptConsumer({
      name: groupId,
      logger: this.log,
      clock: this.clock,
      create: () => this.kafka.consumer(inquiryConsumerConfig(groupId)),
      start: (c) => this.consume(c, address, topic, groupId),
      beforeStop: async () => this.commits.get(address)?.close(),
    });
    this.consumers.push(consumer);
    consumer.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.consumers.map((c) => c.stop()));
    await this.producer.disconnect().catch(() => undefined);
  }

  on(): void {
    // Connection events are logged through the kafkajs log creator.
  }

  unwrap<T>(): T {
    return this.kafka as T;
  }

  /** One attempt to start a registry's consumer; its topic is made first, and the reply producer connected. */
  private async consume(consumer: Consumer, address: string, topic: string, groupId: string): Promise<void> {
    await ensureTopicsOnce(this.kafka, [inquiryTopicConfig(topic, this.settings)], this.clock);
    await this.producerReady();
    await consumer.connect();
    // A new group reads from the start of the topic: inquiries sent before the first adapter joined
    // are not skipped (those past their deadline are dropped unread).
    await consumer.subscribe({ topic, fromBeginning: true });
    const commits = new OffsetCommits(consumer, (error) => this.log.warn({ err: error, topic }, 'adapter could not commit its offsets; those inquiries may be read again'));
    this.commits.set(address, commits);
    await consumer.run({
      // Committed by OffsetCommits, at most twice a second: kafkajs would commit after every batch.
      autoCommit: false,
      partitionsConsumedConcurrently: this.settings.partitions,
      eachBatch: (payload) => this.onBatch(address, topic, groupId, commits, payload),
    });
  }

  /** Connects the reply producer once (kafkajs reconnects it by itself afterwards); a failed attempt is tried again. */
  private producerReady(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the adapters are closing'));
    this.producing ??= this.producer.connect().catch((error: Error) => {
      this.producing = null;
      throw error;
    });
    return this.producing;
  }

  private async onBatch(address: string, topic: string, groupId: string, commits: OffsetCommits, { batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    const handler = this.messageHandlers.get(address)!;
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 1000);
    try {
      await Promise.all(
        batch.messages.map(async (record) => {
          const received = this.received(record, topic, batch.partition);
          if (!received) return;
          // Nobody waits for an answer past its deadline: drop the work.
          if (received.message.deadline <= this.clock.now()) {
            this.observer.expired(received.message.registry);
            return;
          }
          try {
            const result = await handler(received.message, new KafkaInquiryContext([topic, batch.partition]));
            const reply = (isObservable(result) ? await lastValueFrom(result) : result) as InquiryReply | null;
            if (reply === null) {
              this.observer.expired(received.message.registry);
              return;
            }
            await this.sender.send(received.replyTo, replyToKafka(reply, received.replyTo, this.sealer));
          } catch (error) {
            this.log.warn({ err: error, topic, exchangeId: received.message.exchangeId }, 'adapter could not answer an inquiry');
          }
        }),
      );
      const last = batch.messages[batch.messages.length - 1];
      if (last) {
        resolveOffset(last.offset);
        commits.handled(topic, batch.partition, last.offset);
      }
      this.observer.lag(groupId, topic, Number(batch.offsetLag()));
    } finally {
      clearInterval(beat);
    }
  }

  /** The inquiry in a record; null when it is not NIX's, or (counted and logged, without content) when it does not open. */
  private received(record: KafkaMessage, topic: string, partition: number): ReceivedInquiry | null {
    try {
      return inquiryFromKafka(record, topic, this.sealer);
    } catch (error) {
      if (error instanceof UnopenablePayloadError) {
        this.observer.unopened(topic);
        this.log.warn({ topic, partition, offset: record.offset, keyId: error.keyId, reason: error.reason }, 'adapter dropped an inquiry whose body does not open');
      } else {
        // Opened, but not JSON: sealed by a holder of the key, yet not NIX's. Skipped, as a message without NIX's headers is.
        this.log.warn({ topic, partition, offset: record.offset }, 'adapter skipped an inquiry whose opened body is not JSON');
      }
      return null;
    }
  }
}
