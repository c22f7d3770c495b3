/**
 * A quarter's usage report over 10 million traffic records (target: under 2 s).
 *
 *   npm run bench:reports            (BENCH_RECORDS=1000000 for a quicker run; DATABASE_URL for your own server)
 *
 * Starts a throwaway PostgreSQL (or uses DATABASE_URL), migrates it, generates
 * the records of Solar Hijri summer 1405 server-side, rolls them up by Tehran
 * hour as the ledger does, then times the reports through ReportsService.
 * Then a month at national volume (24 million exchanges a day) from its hourly
 * and daily rollups (issue 15): a day-aligned month's reports, target under 1 s.
 * Writes its figures under "reports" in tests/bench/results.json.
 *
 *   BENCH_PARTS=quarter,month (the default), or either alone
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { ServiceCatalog } from '@nix/catalog';
import { GovernanceRepository } from '@nix/governance';
import type { Agency, Outcome } from '@nix/domain';
import { migrate, PgSqlClient, rollupSql, TrafficRepository } from '@nix/ledger';
import { calendarPeriodOf, parseServiceLevelQuery, parseUsageQuery, scopeOf } from '@nix/reports';
import { NodeKeyHasher, ReportsRepository } from '@nix/broker';
import { accessServiceOf } from '@nix/broker/testing';
import { ReportsService, type ReportCaller } from '@nix/broker';
import { createDatabase, startLocalPostgres, type LocalPostgres } from '../support/local-postgres';
import { SERVICES } from './bench-traffic';
import { monthAtNationalVolume } from './month-reports';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 10_000_000);
const CHUNK = 1_000_000;
const RUNS = 7;
const TARGET_MS = 2000;
const MONTH_TARGET_MS = 1000;
const PARTS = (process.env.BENCH_PARTS ?? 'quarter,month').split(',');
const QUARTER = '1405-Q2';
const ROOT = join(__dirname, '..', '..');
const RESULTS = join(__dirname, 'results.json');

/** The mix: consumers skewed like real traffic (a few agencies send most), each using three services. */
const CONSUMERS = 40;
/** Cumulative shares of each outcome, with the problem type that ends it. */
const OUTCOMES: [Outcome, number, string | null, number][] = [
  ['ok', 0.88, null, 200],
  ['not-found', 0.93, 'record-not-found', 404],
  ['invalid', 0.96, 'invalid-request', 400],
  ['denied', 0.97, 'no-agreement', 403],
  ['over-quota', 0.98, 'quota-exceeded', 429],
  ['unauthenticated', 0.985, 'unauthenticated', 401],
  ['timeout', 0.99, 'deadline-exceeded', 504],
  ['provider-error', 0.995, 'provider-error', 503],
  ['unavailable', 0.999, 'registry-unavailable', 503],
  ['broker-error', 1, 'internal-error', 500],
];

const pick = (draw: string, cases: [number, string][]) => `CASE ${cases.map(([upTo, value]) => `WHEN ${draw} < ${upTo} THEN ${value}`).join(' ')} END`;
const literal = (v: string | null) => (v === null ? 'NULL' : `'${v}'`);

function generateSql(from: number, to: number, count: number): string {
  const column = (i: number) => `(ARRAY[${SERVICES.map((row) => `'${row[i]}'`).join(', ')}])[k]`;
  const outcome = pick('d.o', OUTCOMES.map(([o, upTo]) => [upTo, literal(o)]));
  const problem = pick('d.o', OUTCOMES.map(([, upTo, p]) => [upTo, literal(p)]));
  const status = pick('d.o', OUTCOMES.map(([, upTo, , s]) => [upTo, String(s)]));
  return `
WITH d AS (
  SELECT to_timestamp((${from} + random() * ${to - from}) / 1000.0) AS received_at,
         1 + floor(${CONSUMERS} * random() ^ 2)::int AS c, floor(3 * random())::int AS s, random() AS o,
         random() AS l, 1 + floor(2 * random())::int AS b
  FROM generate_series(1, ${count})
), e AS (
  SELECT d.*, ${outcome} AS outcome, ${problem} AS problem_type, ${status} AS http_status, 1 + (d.c + d.s) % ${SERVICES.length} AS k
  FROM d
), t AS (
  SELECT e.*, CASE
      WHEN outcome = 'timeout' THEN 3000 + 50 * l
      WHEN outcome IN ('ok', 'not-found', 'provider-error') THEN 4 + 25 * (-ln(1 - l * 0.999)) + 5 * (c % 4)
      ELSE 0.5 + 3 * l END AS total_ms
  FROM e
)
INSERT INTO traffic_record
SELECT gen_random_uuid(), received_at, received_at + interval '1 ms', NULL, NULL, received_at + total_ms * interval '1 ms',
  CASE WHEN outcome = 'unauthenticated' THEN NULL ELSE 'agency-' || lpad(c::text, 2, '0') END,
  ${column(0)}, ${column(2)}, ${column(1)}, '1.0.0', 'purpose-' || (1 + c % 2),
  CASE WHEN outcome IN ('ok', 'not-found', 'timeout', 'provider-error', 'unavailable', 'broker-error') THEN 'agency-' || lpad(c::text, 2, '0') || '-' || k END,
  NULL, outcome, http_status, problem_type,
  (40 + 60 * l)::int, CASE WHEN outcome = 'ok' THEN (200 + 600 * l)::int ELSE 180 END,
  total_ms, least(total_ms, 1 + l), NULL, NULL, NULL, 'broker-' || b, NULL
FROM t`;
}

async function timed<T>(run: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await run();
  return [performance.now() - started, result];
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function summary(runs: number[]) {
  const sorted = [...runs].sort((a, b) => a - b);
  return { runsMs: runs.map(round), minMs: round(sorted[0]), medianMs: round(sorted[Math.floor(sorted.length / 2)]), maxMs: round(sorted[sorted.length - 1]) };
}

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

/** The records of the period, generated by the server, and their hourly rollups. */
async function generate(sql: PgSqlClient, from: number, to: number): Promise<void> {
  const days = Math.ceil((to - from) / 86_400_000);
  await new TrafficRepository(sql).ensurePartitionsFor(Array.from({ length: days }, (_, i) => Math.min(from + i * 86_400_000, to - 1)));
  log(`generating ${RECORDS.toLocaleString('en')} traffic records over Solar Hijri ${QUARTER} (${new Date(from).toISOString()} to ${new Date(to).toISOString()})`);
  const [generateMs] = await timed(async () => {
    for (let done = 0; done < RECORDS; done += CHUNK) {
      await sql.exec(generateSql(from, to, Math.min(CHUNK, RECORDS - done)));
      log(`  ${Math.min(done + CHUNK, RECORDS).toLocaleString('en')} records`);
    }
  });
  log('rolling up by Tehran hour');
  const [rollupMs] = await timed(async () => {
    await sql.exec(rollupSql(`traffic_record WHERE received_at >= '${new Date(from).toISOString()}' AND received_at < '${new Date(to).toISOString()}'`));
    await sql.exec('VACUUM ANALYZE traffic_hourly');
  });
  log(`generated in ${Math.round(generateMs / 1000)} s, rolled up in ${Math.round(rollupMs / 1000)} s`);
}

async function main(): Promise<void> {
  let server: LocalPostgres | null = null;
  let url = process.env.DATABASE_URL;
  if (!url) {
    server = await startLocalPostgres();
    url = server.url;
    log(`throwaway PostgreSQL at ${url}`);
  }
  // BENCH_REUSE=1 with DATABASE_URL times the data an earlier run left in nix_bench_reports.
  const reuse = process.env.BENCH_REUSE === '1' && !server;
  const database = reuse ? Object.assign(new URL(url), { pathname: '/nix_bench_reports' }).toString() : await createDatabase(url, 'nix_bench_reports');
  const sql = new PgSqlClient(database, 4);
  try {
    const all = () => (existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : {});
    if (PARTS.includes('month')) {
      const month = await monthAtNationalVolume(url, log);
      const queries = month.queries as Record<string, { medianMs: number }>;
      const daily = Object.entries(queries).filter(([name]) => name.includes('daily'));
      const withinTarget = daily.every(([, q]) => q.medianMs < MONTH_TARGET_MS);
      const current = all();
      writeFileSync(RESULTS, `${JSON.stringify({ ...current, reports: { ...current.reports, monthAtNationalVolume: { measuredAt: new Date().toISOString(), targetMs: MONTH_TARGET_MS, withinTarget, ...month } } }, null, 2)}\n`);
      log(`a day-aligned month at national volume: ${withinTarget ? 'within' : 'OVER'} the ${MONTH_TARGET_MS} ms target`);
      if (!withinTarget) process.exitCode = 1;
    }
    if (!PARTS.includes('quarter')) return;
    await migrate(sql);
    const period = calendarPeriodOf('jalali-quarter', QUARTER, Date.now());
    if (!reuse) await generate(sql, period.from, period.to);

    const [check] = await sql.query<{ records: number; rolled: number; rows: number }>(
      `SELECT (SELECT count(*) FROM traffic_record)::float8 AS records, (SELECT sum(exchanges) FROM traffic_hourly)::float8 AS rolled, (SELECT count(*) FROM traffic_hourly)::float8 AS rows`,
    );
    if (check.records !== RECORDS || check.rolled !== RECORDS) throw new Error(`expected ${RECORDS} records rolled up, found ${check.records} records and ${check.rolled} in the rollups`);
    log(`${check.rows.toLocaleString('en')} rollup rows`);

    const catalog = ServiceCatalog.load(join(ROOT, 'schemas'));
    const workingGroup: Agency = { id: 'interoperability-working-group', name: { fa: 'کارگروه', en: 'Working group' }, roles: ['working-group'], demo: false };
    const access = accessServiceOf({ agencies: [workingGroup], agreements: [], apiKeys: [], refusedDemoAgencies: [] }, new NodeKeyHasher('bench-tracking-key'));
    const reports = new ReportsService(access, new ReportsRepository(sql), { now: () => Date.now() }, catalog, new GovernanceRepository(sql));
    const caller: ReportCaller = { agency: workingGroup, scope: scopeOf(workingGroup), now: Date.now(), today: new Date().toISOString().slice(0, 10) };
    const queries: Record<string, () => Promise<{ rows: unknown[] }>> = {
      'usage by consumer × registry × service × outcome': () =>
        reports.usage(caller, parseUsageQuery({ period: `jalali-quarter:${QUARTER}`, groupBy: 'consumer,registry,service,outcome' }, caller.now)),
      'usage by day (the dashboard’s traffic chart)': () => reports.usage(caller, parseUsageQuery({ period: `jalali-quarter:${QUARTER}`, groupBy: 'period' }, caller.now)),
      'usage by day × outcome': () => reports.usage(caller, parseUsageQuery({ period: `jalali-quarter:${QUARTER}`, groupBy: 'period,outcome', interval: 'day' }, caller.now)),
      'service levels': () => reports.serviceLevels(caller, parseServiceLevelQuery({ period: `jalali-quarter:${QUARTER}` }, caller.now)),
    };
    const figures: Record<string, ReturnType<typeof summary> & { rows: number }> = {};
    for (const [name, run] of Object.entries(queries)) {
      const [, warm] = await timed(run);
      const runs: number[] = [];
      for (let i = 0; i < RUNS; i++) runs.push((await timed(run))[0]);
      figures[name] = { rows: warm.rows.length, ...summary(runs) };
      log(`${name}: ${warm.rows.length} rows; min ${figures[name].minMs} ms, median ${figures[name].medianMs} ms, max ${figures[name].maxMs} ms`);
    }
    const main = figures['usage by consumer × registry × service × outcome'];
    const usage = await reports.usage(caller, parseUsageQuery({ period: `jalali-quarter:${QUARTER}`, groupBy: 'consumer' }, caller.now));
    if (usage.totals.count !== RECORDS) throw new Error(`the quarter's report counts ${usage.totals.count} exchanges, not ${RECORDS}`);

    const [{ version }] = await sql.query<{ version: string }>("SELECT current_setting('server_version') AS version");
    const result = {
      measuredAt: new Date().toISOString(),
      machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), postgres: version, node: process.version },
      records: RECORDS,
      rollupRows: check.rows,
      period: `jalali-quarter:${QUARTER}`,
      targetMs: TARGET_MS,
      withinTarget: main.maxMs < TARGET_MS,
      queries: figures,
    };
    const current = all();
    writeFileSync(RESULTS, `${JSON.stringify({ ...current, reports: { ...result, monthAtNationalVolume: current.reports?.monthAtNationalVolume } }, null, 2)}\n`);
    log(`quarter usage report: median ${main.medianMs} ms, max ${main.maxMs} ms (target < ${TARGET_MS} ms): ${result.withinTarget ? 'within target' : 'OVER TARGET'}`);
    log(`written under "reports" in ${RESULTS}`);
    if (!result.withinTarget) process.exitCode = 1;
  } finally {
    await sql.close();
    await server?.destroy();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
