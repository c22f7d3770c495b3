/**
 * What the embedded ledger (PGlite in its worker) spends per record, and on
 * what (issue 15, point 2): the process's CPU time per record written in
 * batches as the writer writes them, for the statement as it is (records and
 * both rollups), without the daily rollup, without any rollup, and without the
 * secondary indexes of traffic_record. Variants other than the first are
 * measurements only.
 *
 *   node -r ./tests/bench/register.js tests/bench/embedded-ledger.bench.ts    BENCH_RECORDS=60000 BENCH_BATCH=500
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 } from 'uuid';
import type { TrafficRecord } from '@nix/domain';
import { batchParameters, insertBatchSql, migrate, PgliteSqlClient, TrafficRepository, type RollupGrain } from '@nix/ledger';
import { runContext, writeResults } from './bench-results';
import { SERVICES } from './bench-traffic';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 60_000);
/** About what the writer's batches hold at 2,000–4,000 inquiries a second with NIX_LEDGER_FLUSH_MS=200. */
const BATCH = Number(process.env.BENCH_BATCH ?? 500);
const SECONDARY_INDEXES = ['traffic_record_tracking_idx', 'traffic_record_consumer_idx', 'traffic_record_receipt_idx', 'traffic_record_chain_idx'];

function record(i: number, at: number): TrafficRecord {
  const [registry, service, custodian] = SERVICES[i % SERVICES.length];
  const ok = i % 20 !== 0;
  return {
    exchangeId: v7(), receivedAt: at, dispatchedAt: at + 0.3, adapterReceivedAt: at + 0.9, adapterRepliedAt: at + 1.4, respondedAt: at + 2 + (i % 7),
    consumer: `agency-${i % 40}`, registry, custodian, service, serviceVersion: '1.0.0', purpose: 'tax-audit', agreement: `agreement-${i % 40}-${service}`,
    trackingDigest: i % 3 === 0 ? `digest${i}` : null, receiptDigest: `receipt${i}`, outcome: ok ? 'ok' : 'not-found', httpStatus: ok ? 200 : 404,
    problemType: ok ? null : 'record-not-found', requestBytes: 60 + (i % 40), responseBytes: ok ? 320 : 180, brokerMs: 0.4, transportMs: 0.8, adapterMs: 0.2,
    registryMs: 1.1, brokerInstance: 'bench', adapterInstance: 'adapter', ledgerSeq: i, ledgerPrev: `prev${i}`, ledgerHash: `hash${i}`,
  };
}

async function variant(name: string, grains: RollupGrain[], dropIndexes: boolean): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'nix-embedded-ledger-'));
  const sql = new PgliteSqlClient(dir);
  try {
    await migrate(sql);
    if (dropIndexes) for (const index of SECONDARY_INDEXES) await sql.exec(`DROP INDEX IF EXISTS ${index}`);
    const repository = new TrafficRepository(sql);
    const start = Date.now() - 3_600_000;
    await repository.ensurePartitionsFor([start, Date.now()]);
    const statement = insertBatchSql(grains);
    // Warm the worker and the plan, then measure.
    const write = async (from: number, count: number) => {
      for (let done = 0; done < count; done += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, count - done) }, (_, k) => record(from + done + k, start + ((from + done + k) % 3_600_000)));
        await sql.query(statement, batchParameters(batch));
      }
    };
    await write(0, 5 * BATCH);
    const cpu = process.cpuUsage();
    const began = performance.now();
    await write(5 * BATCH, RECORDS);
    const used = process.cpuUsage(cpu);
    const seconds = (performance.now() - began) / 1000;
    const result = { name, cpuUsPerRecord: Math.round((used.user + used.system) / RECORDS), recordsPerSec: Math.round(RECORDS / seconds) };
    process.stdout.write(`${name.padEnd(52)} ${String(result.cpuUsPerRecord).padStart(5)} µs CPU per record, ${result.recordsPerSec} records/s\n`);
    return result;
  } finally {
    await sql.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rounds of every variant in turn, so that a busy machine's drift hits them alike; the least CPU of each is kept. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function main(): Promise<void> {
  const variants: [string, RollupGrain[], boolean][] = [
    ['records + hourly and daily rollups (as written)', ['hour', 'day'], false],
    ['records + hourly rollup only', ['hour'], false],
    ['records only (no rollup)', [], false],
    ['records + both rollups, no secondary index', ['hour', 'day'], true],
  ];
  const runs = new Map<string, Record<string, number | string>[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, grains, dropIndexes] of variants) {
      const list = runs.get(name) ?? [];
      list.push(await variant(name, grains, dropIndexes));
      runs.set(name, list);
    }
  }
  const best = [...runs.entries()].map(([name, list]) => ({
    name,
    cpuUsPerRecord: Math.min(...list.map((r) => Number(r.cpuUsPerRecord))),
    runsCpuUsPerRecord: list.map((r) => Number(r.cpuUsPerRecord)),
  }));
  for (const b of best) process.stdout.write(`least of ${ROUNDS}: ${b.name}: ${b.cpuUsPerRecord} µs CPU per record\n`);
  writeResults({ embeddedLedger: { ...runContext(), records: RECORDS, batch: BATCH, rounds: ROUNDS, variants: best } });
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
