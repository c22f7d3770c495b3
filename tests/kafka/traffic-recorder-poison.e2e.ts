import { createHash, randomBytes } from 'node:crypto';
/** A poison message never blocks a partition of nix.traffic.v1: the recorder quarantines it and records the rest (issue 9, point 1). */
import type { TrafficRecord } from '@nix/domain';
import { LedgerStore, SqlTrafficQuarantine, TrafficRecorder, TrafficRepository } from '@nix/ledger';
import { createKafka, ensureTopics, trafficTopicConfig, type KafkaSettings } from '@nix/messaging';
import { createLogger, NixMetrics } from '@nix/observability';
import { describeWithKafka, sharedKafkaSecurity, uniquePrefix } from '../support/kafka-env';
import { eventually } from '../support/polling';
import { freshDatabase } from '../support/postgres';
import { SystemClock } from '@nix/platform';

const AT = Date.now();
function record(n: number, change: Partial<TrafficRecord> = {}): TrafficRecord {
  return {
    exchangeId: `01910000-0000-7000-8000-${String(n).padStart(12, '0')}`, receivedAt: AT + n, dispatchedAt: null, adapterReceivedAt: null,
    adapterRepliedAt: null, respondedAt: AT + n + 2, consumer: 'demo-agency', registry: 'identity', custodian: 'civil-registration', service: 'person',
    serviceVersion: '1.0.0', purpose: 'demo', agreement: null, trackingDigest: null, receiptDigest: null, outcome: 'ok', httpStatus: 200, problemType: null,
    requestBytes: 50, responseBytes: 200, brokerMs: 2, transportMs: null, adapterMs: null, registryMs: null, brokerInstance: 'poison-test',
    adapterInstance: null, ...change,
  };
}

describeWithKafka('the traffic recorder and a poison message', () => {
  const prefix = uniquePrefix('nixtest-poison');
  const settings: KafkaSettings = {
    brokers: process.env.NIX_TEST_KAFKA_BROKERS?.split(',') ?? [], clientId: 'nix-test', instanceId: 'poison', topicPrefix: prefix,
    partitions: 1, replicationFactor: 1, inquiryRetentionMs: 300_000, trafficRetentionMs: 3_600_000, payloadKeys: [{ id: 'test', key: randomBytes(32) }],
    ...sharedKafkaSecurity(),
  };
  const logger = createLogger({ level: 'silent', instanceId: 'poison' });
  let store: LedgerStore;
  let repository: TrafficRepository;
  let recorder: TrafficRecorder;
  const metrics = new NixMetrics({ defaultMetrics: false });

  beforeAll(async () => {
    store = new LedgerStore({ databaseUrl: await freshDatabase(), dataDir: '/nonexistent' });
    await store.ready;
    repository = new TrafficRepository(store);
    const kafka = createKafka(settings, logger, 'poison');
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, [trafficTopicConfig(settings)], new SystemClock());
    await admin.disconnect();
    recorder = new TrafficRecorder({ kafka, topic: trafficTopicConfig(settings), store: repository, logger, clock: new SystemClock(), groupId: `${prefix}.recorder`, metrics });
  });
  afterAll(async () => {
    await recorder?.stop();
    await store?.close();
  });

  it('quarantines an unreadable message, an invalid record and one the database refuses, records the others, and keeps consuming', async () => {
    await repository.sql.exec(`ALTER TABLE traffic_record ADD CONSTRAINT test_poison CHECK (purpose IS DISTINCT FROM 'poison')`);
    const producer = createKafka(settings, logger, 'poison-producer').producer();
    await producer.connect();
    const topic = trafficTopicConfig(settings).topic;
    await producer.send({
      topic,
      messages: [
        { key: 'a', value: JSON.stringify(record(1)) },
        { key: 'b', value: 'this is not JSON {' },
        { key: 'c', value: JSON.stringify(record(3, { requestBytes: -3_000_000_000 })) },
        { key: 'd', value: JSON.stringify(record(4, { purpose: 'poison' })) },
        { key: 'e', value: JSON.stringify(record(5)) },
      ],
    });
    await recorder.start();
    const quarantine = new SqlTrafficQuarantine(repository.sql);
    expect(await eventually(() => repository.count(), (n) => n === 2, 60_000)).toBe(2);
    const entries = await eventually(() => quarantine.list(), (l) => l.length === 3, 30_000);
    expect(entries.map((e) => [e.exchangeId, e.reason.replace(/:.*$/s, '')])).toEqual([
      [null, 'unreadable message (not JSON; 18 bytes, sha256 ' + createHash('sha256').update('this is not JSON {').digest('hex') + ')'],
      [record(3).exchangeId, 'invalid record'],
      [record(4).exchangeId, 'refused by the store (SQLSTATE 23514)'],
    ]);
    expect(entries[0].source).toBe(`recorder ${topic}[0]@1`);
    expect(entries[0].record).toBeNull();
    expect(recorder.isFailing).toBe(false);

    // The partition is not blocked: what comes after is recorded.
    await producer.send({ topic, messages: [{ key: 'f', value: JSON.stringify(record(6)) }] });
    expect(await eventually(() => repository.count(), (n) => n === 3, 60_000)).toBe(3);
    await producer.disconnect();
    const quarantined = (await metrics.ledgerQuarantined.get()).values.find((v) => v.labels.source === 'recorder');
    expect(quarantined?.value).toBe(3);
  });
});
