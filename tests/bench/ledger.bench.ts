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
import { join } from 'node:path';
import { v7 } from 'uuid';
import { ServiceCatalog } from '@nix/catalog';
import { GovernanceRepository } from '@nix/governance';
import type { Agency, TrafficRecord } from '@nix/domain';
import { KafkaTrafficStore, migrate, PgSqlClient, TrafficRecorder, TrafficRepository } from '@nix/ledger';
import { createKafka, trafficTopicConfig, type KafkaSettings } from '@nix/messaging';
import { createLogger } from '@nix/observability';
import { parseServiceLevelQuery, parseUsageQuery, scopeOf } from '@nix/reports';
import { NodeKeyHasher, ReportsRepository } from '@nix/broker';
import { accessServiceOf } from '@nix/broker/testing';
import { ReportsService, type ReportCaller } from '@nix/broker';
import { createDatabase, startLocalPostgres, type LocalPostgres } from '../support/local-postgres';
import { runContext, writeResults } from './bench-results';
import { SERVICES } from './bench-traffic';
import { SystemClock } from '@nix/platform';

const INGEST_RECORDS = Number(process.env.BENCH_RECORDS ?? 400_000);
const BATCH = 2000;
const TARGET_RECORDS_PER_SEC = 20_000;
const DAILY_EXCHANGES = 24_000_000;


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

/** A month of hourly rollups at national volume: what the month's reports read. */
async function monthAtNationalVolume(url: string): Promise<Record<string, unknown>> {
  const sql = new PgSqlClient(await createDatabase(url, 'nix_bench_month'), 4);
  await migrate(sql);
  const consumers = 100;
  const instances = 2;
  const outcomes = ['ok', 'not-found', 'invalid', 'timeout'];
  const shares = [0.9, 0.07, 0.02, 0.01];
  const perHourCell = DAILY_EXCHANGES / 24 / (consumers * SERVICES.length * instances);
  const month = { from: '2026-10-23T20:30:00Z', to: '2026-11-22T20:30:00Z' };
  log(`generating a month of rollups: ${consumers} consumers × ${SERVICES.length} services × ${outcomes.length} outcomes × ${instances} broker instances, every hour`);
  const began = performance.now();
  await sql.exec(`
    INSERT INTO traffic_hourly
    SELECT hour, consumer, registry, custodian, service, outcome, problem, 'tax-audit', agreement, broker,
      n, n * 4.2, 1, 900, n * 0.4, n * 1.1, n * 0.3, n * 2.1, n * 80, 60, 120, n * 300, 150, 600,
      ARRAY[0, n / 10, n / 5, n / 3, n / 5, n / 10, n - (n / 10) * 2 - (n / 5) * 2 - n / 3]::bigint[]
    FROM (
      SELECT h AS hour, 'agency-' || c AS consumer, s.registry, s.custodian, s.service, o.outcome, o.problem,
        'agreement-' || c || '-' || s.service AS agreement, 'broker-' || b AS broker,
        greatest(1, round(${perHourCell} * o.share * (0.5 + random())))::bigint AS n
      FROM generate_series('${month.from}'::timestamptz, '${month.to}'::timestamptz - interval '1 hour', interval '1 hour') AS h,
           generate_series(1, ${consumers}) AS c,
           generate_series(1, ${instances}) AS b,
           (VALUES ${SERVICES.map(([r, sv, cu]) => `('${r}', '${sv}', '${cu}')`).join(', ')}) AS s(registry, service, custodian),
           (VALUES ${outcomes.map((o, i) => `('${o}', ${shares[i]}, '${o === 'ok' ? '' : o}')`).join(', ')}) AS o(outcome, share, problem)
    ) cells;
    ANALYZE traffic_hourly;`);
  const [{ rows, total }] = await sql.query<{ rows: number; total: number }>('SELECT count(*)::int AS rows, sum(exchanges)::float8 AS total FROM traffic_hourly');
  log(`${rows.toLocaleString('en')} rollup rows for ${Math.round(total).toLocaleString('en')} exchanges (${Math.round(total / 30).toLocaleString('en')} a day), in ${Math.round((performance.now() - began) / 1000)} s`);

  const catalog = ServiceCatalog.load(join(__dirname, '..', '..', 'schemas'));
  const workingGroup: Agency = { id: 'interoperability-working-group', name: { fa: 'کارگروه', en: 'Working group' }, roles: ['working-group'], demo: false };
  const access = accessServiceOf({ agencies: [workingGroup], agreements: [], apiKeys: [], refusedDemoAgencies: [] }, new NodeKeyHasher('bench-tracking-key'));
  const reports = new ReportsService(access, new ReportsRepository(sql), { now: () => Date.now() }, catalog, new GovernanceRepository(sql));
  const caller: ReportCaller = { agency: workingGroup, scope: scopeOf(workingGroup), now: Date.now(), today: new Date().toISOString().slice(0, 10) };
  const query = { from: month.from, to: month.to };
  const timings: Record<string, number[]> = { 'usage by consumer × service × outcome': [], 'service levels': [] };
  for (let run = 0; run < 5; run++) {
    let t = performance.now();
    await reports.usage(caller, parseUsageQuery({ ...query, groupBy: 'consumer,service,outcome' }, caller.now));
    timings['usage by consumer × service × outcome'].push(performance.now() - t);
    t = performance.now();
    await reports.serviceLevels(caller, parseServiceLevelQuery(query, caller.now));
    timings['service levels'].push(performance.now() - t);
  }
  await sql.close();
  const median = (values: number[]) => Math.round([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]);
  const result = Object.fromEntries(Object.entries(timings).map(([name, runs]) => [name, { medianMs: median(runs), runsMs: runs.map(Math.round) }]));
  for (const [name, r] of Object.entries(result)) log(`month report, ${name}: median ${r.medianMs} ms`);
  return { rollupRows: rows, exchanges: Math.round(total), dailyExchanges: Math.round(total / 30), queries: result };
}

async function main(): Promise<void> {
  let postgres: LocalPostgres | undefined;
  let kafka: { brokers: string; destroy(): Promise<void> } | undefined;
  try {
    const url = process.env.DATABASE_URL ?? (postgres = await startLocalPostgres()).url;
    if (process.env.KAFKA_BROKERS) kafka = { brokers: process.env.KAFKA_BROKERS, destroy: async () => undefined };
    else {
      const { ensureJars, startLocalKafka } = await import('../../deploy/kafka/local-kafka');
      await ensureJars();
      const local = await startLocalKafka({ serverProperties: { 'num.partitions': 6 } });
      kafka = { brokers: local.brokers, destroy: () => local.destroy() };
    }
    const repository = await repositoryIngest(url);
    const recorder = await recorderIngest(url, kafka.brokers);
    const month = await monthAtNationalVolume(url);
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
