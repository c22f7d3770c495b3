import { BaseRpcContext, Server, type CustomTransportStrategy } from '@nestjs/microservices';
import type { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { isObservable, lastValueFrom } from 'rxjs';
import type { Logger } from 'pino';
import type { InquiryReply } from '@nix/domain';
import { BatchingProducer } from './batching-producer';
import { inquiryFromKafka, replyToKafka } from './kafka-envelope';
import { createKafka, inquiryConsumerConfig, joinedGroup, topicOf, type KafkaSettings } from './kafka-settings';
import { ensureTopics, inquiryTopicConfig } from './kafka-topics';

export interface KafkaServerObserver {
  expired(registry: string): void;
  lag(group: string, topic: string, messages: number): void;
}

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
 * passed is dropped unread. Offsets are committed once a batch is answered,
 * so an adapter that dies mid-batch leaves its inquiries to the next one.
 */
export class KafkaInquiryServer extends Server implements CustomTransportStrategy {
  override readonly transportId = Symbol('nix-kafka');
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly sender: BatchingProducer;
  private readonly consumers: Consumer[] = [];
  private running = false;

  constructor(
    private readonly settings: KafkaSettings,
    private readonly log: Logger,
    private readonly observer: KafkaServerObserver = { expired: () => undefined, lag: () => undefined },
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.kafka = createKafka(settings, log, 'adapter');
    this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, retry: { retries: 3, initialRetryTime: 50, maxRetryTime: 500 } });
    this.sender = new BatchingProducer(this.producer, { acks: 1, maxBatch: 500, concurrency: 1 });
  }

  get isRunning(): boolean {
    return this.running;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const addresses = [...this.messageHandlers.keys()];
      const admin = this.kafka.admin();
      await admin.connect();
      await ensureTopics(admin, addresses.map((address) => inquiryTopicConfig(topicOf(this.settings, address), this.settings)));
      await admin.disconnect();
      await this.producer.connect();
      for (const address of addresses) this.consumers.push(await this.consume(address));
      this.running = true;
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    this.running = false;
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    await this.producer.disconnect().catch(() => undefined);
  }

  on(): void {
    // Connection events are logged through the kafkajs log creator.
  }

  unwrap<T>(): T {
    return this.kafka as T;
  }

  private async consume(address: string): Promise<Consumer> {
    const topic = topicOf(this.settings, address);
    const groupId = topicOf(this.settings, `adapter.${address}`);
    const consumer = this.kafka.consumer(inquiryConsumerConfig(groupId));
    await consumer.connect();
    // A new group reads from the start of the topic: inquiries sent before the first adapter joined
    // are not skipped (those past their deadline are dropped unread).
    await consumer.subscribe({ topic, fromBeginning: true });
    const joined = joinedGroup(consumer);
    await consumer.run({
      autoCommit: true,
      autoCommitInterval: 500,
      partitionsConsumedConcurrently: this.settings.partitions,
      eachBatch: (payload) => this.onBatch(address, topic, groupId, payload),
    });
    await joined;
    return consumer;
  }

  private async onBatch(address: string, topic: string, groupId: string, { batch, resolveOffset, heartbeat }: EachBatchPayload): Promise<void> {
    const handler = this.messageHandlers.get(address)!;
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 1000);
    try {
      await Promise.all(
        batch.messages.map(async (record) => {
          const received = inquiryFromKafka(record);
          if (!received) return;
          // Nobody waits for an answer past its deadline: drop the work.
          if (received.message.deadline <= this.now()) {
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
            await this.sender.send(received.replyTo, replyToKafka(reply));
          } catch (error) {
            this.log.warn({ err: error, topic, exchangeId: received.message.exchangeId }, 'adapter could not answer an inquiry');
          }
        }),
      );
      const last = batch.messages[batch.messages.length - 1];
      if (last) resolveOffset(last.offset);
      this.observer.lag(groupId, topic, Number(batch.offsetLag()));
    } finally {
      clearInterval(beat);
    }
  }
}
