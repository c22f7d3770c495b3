import type { ICustomPartitioner, ITopicConfig, Kafka, Producer } from 'kafkajs';
import type { Clock, TrafficRecord } from '@nix/domain';
import { BatchingProducer, ensureTopics } from '@nix/messaging';
import type { TrafficBatchStore } from '../traffic-writer';

/**
 * Hands traffic records to Kafka (nix.traffic.v1) for the recorder. Acks
 * from all in-sync replicas and an idempotent producer: once Kafka has taken
 * a record, it is kept for the retention period and can be replayed.
 *
 * Each batch goes to one partition, the next batch to the next one: a
 * produce request then carries one record batch, and the recorder reads one
 * batch (one database write) where records keyed across every partition made
 * one per partition. The records still carry the exchange ID as their key.
 */
export class KafkaTrafficStore implements TrafficBatchStore {
  private readonly producer: Producer;
  private readonly sender: BatchingProducer;
  private connection: Promise<void> | null = null;
  /** Counts the batches handed over: the partition of a batch's records. */
  private turn = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: ITopicConfig,
    private readonly clock: Clock,
  ) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: this.batchPartitioner });
    this.sender = new BatchingProducer(this.producer, { acks: -1, maxBatch: 2000, concurrency: 1 });
  }

  async insertBatch(records: readonly TrafficRecord[]): Promise<void> {
    this.connection ??= this.open().catch((error) => {
      this.connection = null;
      throw error;
    });
    await this.connection;
    this.turn++;
    await this.sender.sendMany(
      this.topic.topic,
      records.map((r) => ({ key: r.exchangeId, value: JSON.stringify(r) })),
    );
  }

  /** kafkajs partitions a produce request's messages together, at once: all of them land in the partition of the current turn. */
  private readonly batchPartitioner: ICustomPartitioner = () => ({ partitionMetadata }) => {
    const led = partitionMetadata.filter((p) => p.leader >= 0);
    const choices = led.length > 0 ? led : partitionMetadata;
    return choices[this.turn % choices.length].partitionId;
  };

  private async open(): Promise<void> {
    await ensureTrafficTopic(this.kafka, this.topic, this.clock);
    await this.producer.connect();
  }

  async close(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }
}

/** Creates nix.traffic.v1 with its long retention if it does not exist. */
export async function ensureTrafficTopic(kafka: Kafka, topic: ITopicConfig, clock: Clock): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(admin, [topic], clock);
  } finally {
    await admin.disconnect();
  }
}
