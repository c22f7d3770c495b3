import { join } from 'node:path';
import { ServiceCatalog } from '@nix/catalog';
import { GovernanceRepository } from '@nix/governance';
import type { Agency } from '@nix/domain';
import { migrate, PgSqlClient } from '@nix/ledger';
import { parseServiceLevelQuery, parseUsageQuery, scopeOf } from '@nix/reports';
import { NodeKeyHasher, ReportsRepository, ReportsService, type ReportCaller } from '@nix/broker';
import { accessServiceOf } from '@nix/broker/testing';
import { createDatabase } from '../support/local-postgres';
import { SERVICES } from './bench-traffic';

const DAILY_EXCHANGES = 24_000_000;

/**
 * A month of rollups at national volume (24 million exchanges a day): hourly rows as the ledger keeps them, and
 * the daily rows the same statement keeps (migration 0012), summed here from the hourly ones. The month's reports
 * are timed on a day-aligned month (the daily rollup) and on the same month ending an hour earlier (the hourly one).
 */
export async function monthAtNationalVolume(url: string, log: (message: string) => void): Promise<Record<string, unknown>> {
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
  await sql.exec(`
    INSERT INTO traffic_daily
    SELECT date_trunc('day', hour, 'Asia/Tehran'), consumer, registry, custodian, service, outcome, problem_type, purpose, agreement, broker_instance,
      sum(exchanges), sum(total_ms_sum), min(total_ms_min), max(total_ms_max), sum(broker_ms_sum), sum(transport_ms_sum), sum(adapter_ms_sum),
      sum(registry_ms_sum), sum(request_bytes_sum), min(request_bytes_min), max(request_bytes_max), sum(response_bytes_sum), min(response_bytes_min),
      max(response_bytes_max), nix_sum_counts(latency_counts)
    FROM traffic_hourly GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
    ANALYZE traffic_daily;`);
  const [{ dailyRows }] = await sql.query<{ dailyRows: number }>('SELECT count(*)::int AS "dailyRows" FROM traffic_daily');
  const [{ rows, total }] = await sql.query<{ rows: number; total: number }>('SELECT count(*)::int AS rows, sum(exchanges)::float8 AS total FROM traffic_hourly');
  log(`${rows.toLocaleString('en')} rollup rows for ${Math.round(total).toLocaleString('en')} exchanges (${Math.round(total / 30).toLocaleString('en')} a day), in ${Math.round((performance.now() - began) / 1000)} s`);

  const catalog = ServiceCatalog.load(join(__dirname, '..', '..', 'schemas'));
  const workingGroup: Agency = { id: 'interoperability-working-group', name: { fa: 'کارگروه', en: 'Working group' }, roles: ['working-group'], demo: false };
  const access = accessServiceOf({ agencies: [workingGroup], agreements: [], apiKeys: [], refusedDemoAgencies: [] }, new NodeKeyHasher('bench-tracking-key'));
  const reports = new ReportsService(access, new ReportsRepository(sql), { now: () => Date.now() }, catalog, new GovernanceRepository(sql));
  const caller: ReportCaller = { agency: workingGroup, scope: scopeOf(workingGroup), now: Date.now(), today: new Date().toISOString().slice(0, 10) };
  const dayAligned = { from: month.from, to: month.to };
  // An hour short of the month: not day-aligned, so it reads the hourly rollup (one hour fewer to sum).
  const hourAligned = { from: month.from, to: new Date(Date.parse(month.to) - 3_600_000).toISOString().replace('.000Z', 'Z') };
  const timings: Record<string, number[]> = {};
  const time = async (name: string, run: () => Promise<unknown>) => {
    const t = performance.now();
    await run();
    (timings[name] ??= []).push(performance.now() - t);
  };
  for (let run = 0; run < 5; run++) {
    for (const [grain, query] of [['daily rollup (day-aligned month)', dayAligned], ['hourly rollup (the month less its last hour)', hourAligned]] as const) {
      await time(`usage by consumer × service × outcome, ${grain}`, () => reports.usage(caller, parseUsageQuery({ ...query, groupBy: 'consumer,service,outcome' }, caller.now)));
      await time(`service levels, ${grain}`, () => reports.serviceLevels(caller, parseServiceLevelQuery(query, caller.now)));
    }
  }
  await sql.close();
  const median = (values: number[]) => Math.round([...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]);
  const result = Object.fromEntries(Object.entries(timings).map(([name, runs]) => [name, { medianMs: median(runs), runsMs: runs.map(Math.round) }]));
  for (const [name, r] of Object.entries(result)) log(`month report, ${name}: median ${r.medianMs} ms`);
  return { rollupRows: rows, dailyRollupRows: dailyRows, exchanges: Math.round(total), dailyExchanges: Math.round(total / 30), queries: result };
}
