/**
 * The ledger benchmark (target: ingest at least 20,000 records/s on this machine).
 *  1. The repository's batch insert into PostgreSQL, rollups included.
 *  2. The recorder: records already in Kafka's traffic topic into PostgreSQL.
 *  3. A month's report at national volume (24 million exchanges a day), from
 *     its hourly rollups.
 *
 *   npm run bench:ledger      (DATABASE_URL and KAFKA_BROKERS to use your own servers)
 */
import { randomBytes } from 'node:crypto';
import { v7 } from 'uuid';
import type { TrafficRecord } from '@nix/domain';
import { KafkaTrafficStore, migrate, PgSqlClient, TrafficRecorder, TrafficRepository } from '@nix/ledger';
import { createKafka, trafficTopicConfig, type KafkaSettings } from '@nix/messaging';
import { createLogger } from '@nix/observability';
import { createDatabase, startLocalPostgres, type LocalPostgres } from '../support/local-postgres';
import { runContext, writeResults } from './bench-results';
import { SERVICES } from './bench-traffic';
import { SystemClock } from '@nix/platform';
import { monthAtNationalVolume } from './month-reports';
import { benchKafka, type BenchKafka } from './bench-kafka';

const INGEST_RECORDS = Number(process.env.BENCH_RECORDS ?? 400_000);
const BATCH = 2000;
const TARGET_RECORDS_PER_SEC = 20_000;


/** Synthetic traffic records as the broker writes them, spread over the last hour. */
function records(count: number, start: number): TrafficRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const [registry, service, custodian] = SERVICES[i % SERVICES.length];
    const receivedAt = start + i * 0.01;
    const ok = i % 20 !== 0;
    return {
      exchangeId: v7(),
      receivedAt,
      dispatchedAt: receivedAt + 0.3,
      adapterReceivedAt: receivedAt + 0.9,
      adapterRepliedAt: receivedAt + 1.4,
      respondedAt: receivedAt + 2 + (i % 7),
      consumer: `agency-${i % 40}`,
      registry,
      custodian,
      service,
      serviceVersion: '1.0.0',
      purpose: 'tax-audit',
      agreement: `agreement-${i % 40}-${service}`,
      trackingDigest: i % 3 === 0 ? `digest${i % 1000}` : null,
      receiptDigest: null,
      outcome: ok ? 'ok' : 'not-found',
      httpStatus: ok ? 200 : 404,
      problemType: ok ? null : 'record-not-found',
      requestBytes: 60 + (i % 40),
      responseBytes: ok ? 320 : 180,
      brokerMs: 0.4,
      transportMs: 0.8,
      adapterMs: 0.2,
      registryMs: 1.1,
      brokerInstance: `broker-${i % 2}`,
      adapterInstance: `adapter-${i % 3}`,
    };
  });
}

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

async function repositoryIngest(url: string): Promise<Record<string, number>> {
  const sql = new PgSqlClient(await createDatabase(url, 'nix_bench_ingest'), 2);
  await migrate(sql);
  const repository = new TrafficRepository(sql);
  const start = Date.now() - 3_600_000;
  const batches = Array.from({ length: INGEST_RECORDS / BATCH }, (_, b) => records(BATCH, start + b * BATCH * 0.01));
  const began = performance.now();
  for (const batch of batches) await repository.insertBatch(batch);
  const seconds = (performance.now() - began) / 1000;
  await sql.close();
  const rate = Math.round(INGEST_RECORDS / seconds);
  log(`repository ingest: ${rate.toLocaleString('en')} records/s (${INGEST_RECORDS.toLocaleString('en')} records in batches of ${BATCH})`);
  return { records: INGEST_RECORDS, seconds: Math.round(seconds * 10) / 10, recordsPerSec: rate };
}

async function recorderIngest(url: string, brokers: string): Promise<Record<string, number>> {
  const settings: KafkaSettings = {
    brokers: [brokers],
    clientId: 'bench',
    instanceId: 'bench-ledger',
    topicPrefix: `benchledger${Date.now()}`,
    partitions: 6,
    replicationFactor: 1,
    inquiryRetentionMs: 300_000,
    trafficRetentionMs: 3_600_000,
    payloadKeys: [{ id: 'test', key: randomBytes(32) }],
  };
  const logger = createLogger({ level: 'warn', instanceId: 'bench-ledger' });
  const kafka = createKafka(settings, logger, 'bench');
  const topic = trafficTopicConfig(settings);
  const clock = new SystemClock();
  const publisher = new KafkaTrafficStore(kafka, topic, clock);
  const count = INGEST_RECORDS / 2;
  const start = Date.now() - 3_600_000;
  for (let i = 0; i < count; i += BATCH) await publisher.insertBatch(records(BATCH, start + i * 0.01));
  await publisher.close();
  log(`${count.toLocaleString('en')} records are waiting in ${topic.topic}`);

  const sql = new PgSqlClient(await createDatabase(url, 'nix_bench_recorder'), 2);
  await migrate(sql);
  const repository = new TrafficRepository(sql);
  const recorder = new TrafficRecorder({ kafka, topic, store: repository, logger, clock, groupId: `${settings.topicPrefix}.recorder` });
  const began = performance.now();
  await recorder.start();
  while ((await repository.count()) < count) await new Promise((resolve) => setTimeout(resolve, 200));
  const seconds = (performance.now() - began) / 1000;
  await recorder.stop();
  await sql.close();
  const rate = Math.round(count / seconds);
  log(`recorder ingest (Kafka → PostgreSQL, consumer start included): ${rate.toLocaleString('en')} records/s`);
  return { records: count, seconds: Math.round(seconds * 10) / 10, recordsPerSec: rate };
}

async function main(): Promise<void> {
  let postgres: LocalPostgres | undefined;
  let kafka: BenchKafka | undefined;
  try {
    const url = process.env.DATABASE_URL ?? (postgres = await startLocalPostgres()).url;
    kafka = await benchKafka();
    const repository = await repositoryIngest(url);
    const recorder = await recorderIngest(url, kafka.brokers);
    const month = await monthAtNationalVolume(url, log);
    writeResults({
      ledger: {
        ...runContext(),
        target: { ingestRecordsPerSec: TARGET_RECORDS_PER_SEC },
        meetsTarget: recorder.recordsPerSec >= TARGET_RECORDS_PER_SEC,
        repositoryIngest: repository,
        recorderIngest: recorder,
        monthAtNationalVolume: month,
      },
    });
    log('written to tests/bench/results.json');
  } finally {
    await kafka?.destroy();
    await postgres?.destroy();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
