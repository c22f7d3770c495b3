import type { ICustomPartitioner, ITopicConfig, Kafka, Message, PartitionerArgs, ProducerBatch, ProducerConfig } from 'kafkajs';
import type { TrafficRecord } from '@nix/domain';
import { KafkaTrafficStore } from './kafka-traffic-store';

// The store against a fake of the kafkajs parts it uses: a producer that partitions each batch as kafkajs does
// (the configured partitioner, called once per message when the batch is sent), and an admin for which the topic exists.

const TOPIC: ITopicConfig = { topic: 'nix.traffic.v1', numPartitions: 3 };
const PARTITIONS: PartitionerArgs['partitionMetadata'] = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));

class FakeKafka {
  /** Per produce request: the partition of each of its messages, and the messages. */
  readonly requests: Array<{ partitions: number[]; messages: Message[] }> = [];
  partitionMetadata = PARTITIONS;

  producer(config: ProducerConfig) {
    const partitioner = (config.createPartitioner as ICustomPartitioner)();
    return {
      connect: async () => undefined,
      disconnect: async () => undefined,
      sendBatch: async ({ topicMessages }: ProducerBatch) => {
        const messages = topicMessages!.flatMap((t) => t.messages);
        this.requests.push({ partitions: messages.map((message) => partitioner({ topic: TOPIC.topic, partitionMetadata: this.partitionMetadata, message })), messages });
        return [];
      },
    };
  }

  admin() {
    return {
      connect: async () => undefined,
      disconnect: async () => undefined,
      listTopics: async () => [TOPIC.topic],
      fetchTopicMetadata: async () => ({ topics: [{ name: TOPIC.topic, partitions: this.partitionMetadata }] }),
    };
  }
}

const record = (n: number) => ({ exchangeId: `0190f1d2-0000-7000-8000-${String(n).padStart(12, '0')}`, consumer: 'tax-organization' }) as TrafficRecord;

describe('KafkaTrafficStore', () => {
  it('sends each batch to one partition and the next batch to the next one, each record keyed by its exchange ID', async () => {
    const kafka = new FakeKafka();
    const store = new KafkaTrafficStore(kafka as unknown as Kafka, TOPIC, { now: () => Date.now() });
    const batches = [0, 1, 2, 3].map((b) => [record(b * 10 + 1), record(b * 10 + 2), record(b * 10 + 3)]);
    for (const batch of batches) await store.insertBatch(batch);
    const partitionOf = new Map(kafka.requests.flatMap((r) => r.messages.map((m, i) => [String(m.key), r.partitions[i]] as const)));
    const partitionsOfBatches = batches.map((batch) => [...new Set(batch.map((r) => partitionOf.get(r.exchangeId)))]);
    expect(partitionsOfBatches.map((partitions) => partitions.length)).toEqual([1, 1, 1, 1]);
    expect(new Set(partitionsOfBatches.map(([p]) => p)).size).toBe(3);
    const first = kafka.requests[0].messages[0];
    expect(first.key).toBe(record(1).exchangeId);
    expect(JSON.parse(String(first.value))).toEqual(record(1));
  });

  it('leaves out a partition without a leader', async () => {
    const kafka = new FakeKafka();
    const store = new KafkaTrafficStore(kafka as unknown as Kafka, TOPIC, { now: () => Date.now() });
    await store.insertBatch([record(100)]);
    kafka.requests.length = 0;
    kafka.partitionMetadata = PARTITIONS.map((p) => (p.partitionId === 1 ? { ...p, leader: -1 } : p));
    for (let batch = 0; batch < 6; batch++) await store.insertBatch([record(batch)]);
    expect(kafka.requests.map((r) => r.partitions[0]).sort()).toEqual([0, 0, 0, 2, 2, 2]);
  });
});
