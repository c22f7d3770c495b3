/**
 * What the embedded ledger (PGlite in its worker) spends per record, and on
 * what (issue 15, point 2): the process's CPU time per record written in
 * batches as the writer writes them, through TrafficRepository as it is
 * (binary COPY and the rollups summed in JavaScript, one transaction), and
 * through the INSERT … unnest statement it used before (with both rollups, and
 * without any). The statement is still the PostgreSQL path and the fallback.
 *
 *   node -r ./tests/bench/register.js tests/bench/embedded-ledger.bench.ts    BENCH_RECORDS=60000 BENCH_BATCH=500 BENCH_AGENCIES=40
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
/** Agencies in the synthetic traffic: 40 makes about 120 rollup groups per batch (the costly case); the wrk mix has one. */
const AGENCIES = Number(process.env.BENCH_AGENCIES ?? 40);

function record(i: number, at: number): TrafficRecord {
  const [registry, service, custodian] = SERVICES[i % SERVICES.length];
  const ok = i % 20 !== 0;
  return {
    exchangeId: v7(), receivedAt: at, dispatchedAt: at + 0.3, adapterReceivedAt: at + 0.9, adapterRepliedAt: at + 1.4, respondedAt: at + 2 + (i % 7),
    consumer: `agency-${i % AGENCIES}`, registry, custodian, service, serviceVersion: '1.0.0', purpose: 'tax-audit', agreement: `agreement-${i % AGENCIES}-${service}`,
    trackingDigest: i % 3 === 0 ? `digest${i}` : null, receiptDigest: `receipt${i}`, outcome: ok ? 'ok' : 'not-found', httpStatus: ok ? 200 : 404,
    problemType: ok ? null : 'record-not-found', requestBytes: 60 + (i % 40), responseBytes: ok ? 320 : 180, brokerMs: 0.4, transportMs: 0.8, adapterMs: 0.2,
    registryMs: 1.1, brokerInstance: 'bench', adapterInstance: 'adapter', ledgerSeq: i, ledgerPrev: `prev${i}`, ledgerHash: `hash${i}`,
  };
}

type Write = 'statement' | 'copy';

async function variant(name: string, write: Write, grains: RollupGrain[]): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'nix-embedded-ledger-'));
  const sql = new PgliteSqlClient(dir);
  try {
    await migrate(sql);
    const repository = new TrafficRepository(sql);
    const start = Date.now() - 3_600_000;
    await repository.ensurePartitionsFor([start, Date.now()]);
    const statement = insertBatchSql(grains);
    // Warm the worker and the plan, then measure. The batch is built outside the measured CPU of neither path:
    // both pay for their own encoding (the statement's parameter arrays and their clone; the COPY bytes and rollup).
    const batches = async (from: number, count: number) => {
      for (let done = 0; done < count; done += BATCH) {
        const batch = Array.from({ length: Math.min(BATCH, count - done) }, (_, k) => record(from + done + k, start + ((from + done + k) % 3_600_000)));
        if (write === 'copy') await repository.insertBatch(batch);
        else await sql.query(statement, batchParameters(batch));
      }
    };
    await batches(0, 5 * BATCH);
    const cpu = process.cpuUsage();
    const began = performance.now();
    await batches(5 * BATCH, RECORDS);
    const used = process.cpuUsage(cpu);
    const seconds = (performance.now() - began) / 1000;
    const stored = await repository.count();
    if (stored !== RECORDS + 5 * BATCH) throw new Error(`${name}: ${stored} records stored, not ${RECORDS + 5 * BATCH}`);
    const result = { name, cpuUsPerRecord: Math.round((used.user + used.system) / RECORDS), recordsPerSec: Math.round(RECORDS / seconds) };
    process.stdout.write(`${name.padEnd(60)} ${String(result.cpuUsPerRecord).padStart(5)} µs CPU per record, ${result.recordsPerSec} records/s\n`);
    return result;
  } finally {
    await sql.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rounds of every variant in turn, so that a busy machine's drift hits them alike; the least CPU of each is kept. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function main(): Promise<void> {
  const variants: [string, Write, RollupGrain[]][] = [
    ['as written: binary COPY + rollups summed in JS (TrafficRepository)', 'copy', ['hour', 'day']],
    ['the statement: INSERT … unnest, both rollups in SQL (the PostgreSQL path, the fallback)', 'statement', ['hour', 'day']],
    ['the statement, records only (no rollup)', 'statement', []],
  ];
  const runs = new Map<string, Record<string, number | string>[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, write, grains] of variants) {
      const list = runs.get(name) ?? [];
      list.push(await variant(name, write, grains));
      runs.set(name, list);
    }
  }
  const best = [...runs.entries()].map(([name, list]) => ({
    name,
    cpuUsPerRecord: Math.min(...list.map((r) => Number(r.cpuUsPerRecord))),
    runsCpuUsPerRecord: list.map((r) => Number(r.cpuUsPerRecord)),
  }));
  for (const b of best) process.stdout.write(`least of ${ROUNDS}: ${b.name}: ${b.cpuUsPerRecord} µs CPU per record\n`);
  writeResults({ [AGENCIES === 40 ? 'embeddedLedger' : `embeddedLedgerAgencies${AGENCIES}`]: { ...runContext(), records: RECORDS, batch: BATCH, agencies: AGENCIES, rounds: ROUNDS, variants: best } });
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
