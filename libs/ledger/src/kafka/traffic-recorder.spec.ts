import { EventEmitter } from 'node:events';
import type { EachBatchPayload, ITopicConfig, Kafka } from 'kafkajs';
import pino from 'pino';
import type { TrafficRecord } from '@nix/domain';
import { eachBatchPayload } from '@nix/messaging/testing';
import { NixMetrics } from '@nix/observability';
import type { QuarantineEntry, TrafficBatchStore, TrafficQuarantine } from '../traffic-quarantine';
import { TrafficRecorder } from './traffic-recorder';

// The recorder's batch loop against a fake of the kafkajs parts it uses; a real broker is in tests/kafka.

const AT = Date.UTC(2026, 0, 15, 9);
const TOPIC: ITopicConfig = { topic: 'nix.traffic.v1', numPartitions: 1 };

function record(n: number): TrafficRecord {
  return {
    exchangeId: `0190f1d2-0000-7000-8000-${String(n).padStart(12, '0')}`, receivedAt: AT - 5000 + n, dispatchedAt: null, adapterReceivedAt: null,
    adapterRepliedAt: null, respondedAt: AT - 4000, consumer: 'tax-organization', registry: 'identity', custodian: 'civil-registration',
    service: 'person', serviceVersion: '1.0.0', purpose: 'demo', agreement: null, trackingDigest: null, receiptDigest: null, outcome: 'ok', httpStatus: 200,
    problemType: null, requestBytes: 60, responseBytes: 300, brokerMs: 2, transportMs: null, adapterMs: null, registryMs: null,
    brokerInstance: 'broker-1', adapterInstance: null,
  };
}

class FakeStore implements TrafficBatchStore {
  readonly stored: TrafficRecord[] = [];
  /** Refuses this many writes first, as a database that is down does. */
  refusals = 0;
  async insertBatch(records: readonly TrafficRecord[]): Promise<number> {
    if (this.refusals > 0) {
      this.refusals--;
      throw Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
    }
    this.stored.push(...records);
    return records.length;
  }
}

class MemoryQuarantine implements TrafficQuarantine {
  readonly entries: QuarantineEntry[] = [];
  async put(entries: readonly QuarantineEntry[]): Promise<void> {
    this.entries.push(...entries);
  }
}

const EVENTS = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' };

class FakeConsumer {
  readonly events = EVENTS;
  private readonly emitter = new EventEmitter();
  eachBatch: ((payload: EachBatchPayload) => Promise<void>) | null = null;
  readonly commits: Array<Array<{ topic: string; partition: number; offset: string }>> = [];
  async commitOffsets(offsets: Array<{ topic: string; partition: number; offset: string }>): Promise<void> {
    this.commits.push(offsets);
  }
  on(event: string, listener: (e: unknown) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  async subscribe(): Promise<void> {}
  async run({ eachBatch }: { eachBatch: (payload: EachBatchPayload) => Promise<void> }): Promise<void> {
    this.eachBatch = eachBatch;
    setImmediate(() => this.emitter.emit(EVENTS.GROUP_JOIN, { payload: {} }));
  }
}

/** The kafkajs client: a consumer, and an admin for which the traffic topic already exists. */
class FakeKafka {
  readonly consumers: FakeConsumer[] = [];
  consumer(): FakeConsumer {
    const consumer = new FakeConsumer();
    this.consumers.push(consumer);
    return consumer;
  }
  admin() {
    return {
      connect: async () => undefined,
      disconnect: async () => undefined,
      listTopics: async () => [TOPIC.topic],
      fetchTopicMetadata: async () => ({ topics: [{ name: TOPIC.topic, partitions: [{ partitionId: 0, leader: 0 }] }] }),
    };
  }
}

function batchOf(values: Array<string | null>, resolved: string[]): EachBatchPayload {
  return eachBatchPayload(TOPIC.topic, values.map((value) => ({ value: value === null ? null : Buffer.from(value) })), { resolved, offsetLag: 4, firstOffset: 10 });
}

const gauge = async (metrics: NixMetrics, name: string) => (await metrics.registry.getSingleMetric(name)!.get()).values[0]?.value;

describe('TrafficRecorder', () => {
  let kafka: FakeKafka;
  let store: FakeStore;
  let quarantine: MemoryQuarantine;
  let metrics: NixMetrics;
  let recorder: TrafficRecorder;

  beforeEach(async () => {
    kafka = new FakeKafka();
    store = new FakeStore();
    quarantine = new MemoryQuarantine();
    metrics = new NixMetrics({ defaultMetrics: false });
    recorder = new TrafficRecorder({
      kafka: kafka as unknown as Kafka,
      topic: TOPIC,
      store,
      logger: pino({ level: 'silent' }),
      clock: { now: () => AT },
      groupId: 'nix.recorder',
      metrics,
      quarantine,
    });
    expect(await recorder.start()).toBe(true);
  });
  afterEach(() => recorder.stop());

  const eachBatch = (payload: EachBatchPayload) => kafka.consumers[0].eachBatch!(payload);

  it('writes a batch, resolves its last offset, and reports the lag by the clock', async () => {
    const resolved: string[] = [];
    await eachBatch(batchOf([JSON.stringify(record(1)), JSON.stringify(record(2))], resolved));
    expect(store.stored.map((r) => r.exchangeId)).toEqual([record(1).exchangeId, record(2).exchangeId]);
    expect(resolved).toEqual(['11']);
    expect(await gauge(metrics, 'nix_ledger_recorder_lag_seconds')).toBe(4);
    expect(recorder.isRunning).toBe(true);
    // Committed (at most twice a second, and at stop): the group resumes after the written batch.
    await recorder.stop();
    expect(kafka.consumers[0].commits).toEqual([[{ topic: TOPIC.topic, partition: 0, offset: '12' }]]);
  });

  it('quarantines an unreadable message by where it was and its digest, and writes the rest', async () => {
    const resolved: string[] = [];
    await eachBatch(batchOf(['{"exchangeId": "cut', JSON.stringify(record(3))], resolved));
    expect(store.stored.map((r) => r.exchangeId)).toEqual([record(3).exchangeId]);
    expect(quarantine.entries).toHaveLength(1);
    expect(quarantine.entries[0]).toMatchObject({ source: 'recorder nix.traffic.v1[0]@10', exchangeId: null, record: null });
    expect(quarantine.entries[0].reason).toMatch(/^unreadable message \(not JSON; 19 bytes, sha256 [0-9a-f]{64}\)$/);
    expect(resolved).toEqual(['11']);
  });

  it('keeps the batch while the database refuses writes, and writes it once it takes them', async () => {
    store.refusals = 1;
    const resolved: string[] = [];
    await eachBatch(batchOf([JSON.stringify(record(4))], resolved));
    expect(store.stored.map((r) => r.exchangeId)).toEqual([record(4).exchangeId]);
    expect(resolved).toEqual(['10']);
    expect(await gauge(metrics, 'nix_ledger_write_failures_total')).toBe(1);
    expect(recorder.isFailing).toBe(false);
  });

  it('commits nothing for a batch it has not written', async () => {
    store.refusals = Infinity;
    const batch = batchOf([JSON.stringify(record(5))], []);
    (batch as { isRunning: () => boolean }).isRunning = () => false;
    await eachBatch(batch);
    await recorder.stop();
    expect(store.stored).toEqual([]);
    expect(kafka.consumers[0].commits).toEqual([]);
  });
});
