import { Inject, Injectable } from '@nestjs/common';
import { isStoreUnavailable, LATENCY_BOUNDS_MS, ROLLUP_TABLES, type SqlClient } from '@nix/ledger';
import { PROBE_AGENCY, ProblemError } from '@nix/domain';
import {
  outcomesOf,
  REVIEWED_REFUSALS,
  rollupGrainFor,
  type OutcomeClass,
  type PeriodBucket,
  type Refusal,
  type ReportScope,
  type RollupSums,
  type ServiceTraffic,
  type TrafficFilters,
  type UsageGroup,
  type UsageKey,
} from '@nix/reports';
import { LEDGER_STORE } from '@nix/platform';

/**
 * The synthetic probes' traffic (R17) is NIX's own: out of agencies' usage, refusals and activity, and in services'
 * availability (serviceTraffic reads it).
 */
const NOT_PROBE = `consumer <> '${PROBE_AGENCY.id}'`;

/** Which traffic a query reads: an hour range of the rollups, an agency's scope, and filters. */
export interface RollupSelection {
  from: number;
  to: number;
  scope: ReportScope;
  filters: TrafficFilters;
}

const COLUMN_OF: Record<Exclude<UsageKey, 'period'>, string> = {
  consumer: 'consumer',
  provider: 'custodian',
  registry: 'registry',
  service: 'service',
  outcome: 'outcome',
};

const inList = (kind: OutcomeClass) => `outcome IN (${outcomesOf(kind).map((o) => `'${o}'`).join(', ')})`;
const ANSWERED = inList('answered');
const RELAYED = `(${inList('answered')} OR ${inList('provider-failure')})`;

const SUMS = `
  sum(exchanges)::float8 AS exchanges,
  coalesce(sum(exchanges) FILTER (WHERE ${ANSWERED}), 0)::float8 AS answered,
  sum(total_ms_sum)::float8 AS total_ms_sum, min(total_ms_min)::float8 AS total_ms_min, max(total_ms_max)::float8 AS total_ms_max,
  sum(request_bytes_sum)::float8 AS request_bytes_sum, min(request_bytes_min)::float8 AS request_bytes_min, max(request_bytes_max)::float8 AS request_bytes_max,
  sum(response_bytes_sum)::float8 AS response_bytes_sum, min(response_bytes_min)::float8 AS response_bytes_min, max(response_bytes_max)::float8 AS response_bytes_max`;

const BUCKETS = Array.from({ length: LATENCY_BOUNDS_MS.length + 1 }, (_, i) => i + 1);

/**
 * Per service and outcome first, with plain sums of each latency bucket, then
 * per service by outcome class: far cheaper than filtering every rollup row
 * once per bucket.
 */
const serviceOutcomes = (where: string, table: string) => `
  SELECT registry, service, custodian, outcome, sum(exchanges) AS exchanges,
    sum(total_ms_sum) AS ms_sum, min(total_ms_min) AS ms_min, max(total_ms_max) AS ms_max,
    ${BUCKETS.map((i) => `sum(latency_counts[${i}]) AS b${i}`).join(', ')}
  FROM ${table} WHERE ${where} GROUP BY 1, 2, 3, 4`;

const RELAYED_HISTOGRAM = `ARRAY[${BUCKETS.map((i) => `coalesce(sum(b${i}) FILTER (WHERE ${RELAYED}), 0)`).join(', ')}]::float8[]`;

const CLASS_COUNTS = (['answered', 'refused', 'provider-failure', 'broker-error'] as const)
  .map((kind) => `coalesce(sum(exchanges) FILTER (WHERE ${inList(kind)}), 0)::float8 AS "${kind}"`)
  .join(',\n  ');

type Row = Record<string, unknown>;
const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const iso = (epochMs: number) => new Date(epochMs).toISOString();
/** A PostgreSQL array literal: the same text works as a parameter on PostgreSQL and on PGlite. */
const arrayLiteral = (values: readonly string[]) => `{${values.map((v) => `"${v}"`).join(',')}}`;

/** What reports read (the port of ReportsService): ReportsRepository serves it from SQL, specs from a fake. */
export type ReportsRollups = Pick<ReportsRepository, 'usage' | 'serviceTraffic' | 'refusals' | 'activity'>;

/**
 * Reports read the rollups only, never raw records: the daily ones (traffic_daily) when the period and its buckets
 * start and end at Tehran midnights, the hourly ones (traffic_hourly) otherwise.
 * The same SQL runs on PostgreSQL and on the embedded PGlite.
 */
@Injectable()
export class ReportsRepository {
  constructor(@Inject(LEDGER_STORE) private readonly sql: SqlClient) {}

  /** Sums per group of the keys (and of the period buckets, when given). */
  async usage(selection: RollupSelection, keys: readonly Exclude<UsageKey, 'period'>[], buckets?: readonly PeriodBucket[]): Promise<UsageGroup[]> {
    const params: unknown[] = [];
    const { table, column } = rollupOf(selection, buckets);
    const where = this.where(selection, params, column);
    const columns = keys.map((k) => `${COLUMN_OF[k]} AS "${k}"`);
    if (buckets) {
      params.push(arrayLiteral(buckets.map((b) => iso(b.from))));
      columns.push(`width_bucket(${column}, $${params.length}::timestamptz[]) AS bucket`);
    }
    const groupBy = columns.length > 0 ? `GROUP BY ${columns.map((_, i) => i + 1).join(', ')}` : '';
    const rows = await this.query(`SELECT ${[...columns, SUMS].join(', ')} FROM ${table} WHERE ${where} AND ${NOT_PROBE} ${groupBy}`, params);
    return rows
      .filter((row) => num(row.exchanges))
      .map((row) => ({
        keys: { ...Object.fromEntries(keys.map((k) => [k, String(row[k])])), ...(buckets ? { bucket: Number(row.bucket) } : {}) },
        sums: sumsOf(row),
      }));
  }

  /** Outcome classes and the relayed exchanges' latency, per service. */
  async serviceTraffic(selection: RollupSelection): Promise<ServiceTraffic[]> {
    const params: unknown[] = [];
    const { table, column } = rollupOf(selection);
    const where = this.where(selection, params, column);
    const rows = await this.query(
      `SELECT registry, service, custodian AS provider,
        ${CLASS_COUNTS},
        coalesce(sum(ms_sum) FILTER (WHERE ${RELAYED}), 0)::float8 AS relayed_ms_sum,
        (min(ms_min) FILTER (WHERE ${RELAYED}))::float8 AS relayed_ms_min,
        (max(ms_max) FILTER (WHERE ${RELAYED}))::float8 AS relayed_ms_max,
        ${RELAYED_HISTOGRAM} AS relayed_histogram
      FROM (${serviceOutcomes(where, table)}) per_outcome GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      params,
    );
    return rows.map((row) => ({
      registry: String(row.registry),
      service: String(row.service),
      provider: String(row.provider),
      counts: {
        answered: Number(row.answered),
        refused: Number(row.refused),
        providerFailures: Number(row['provider-failure']),
        brokerErrors: Number(row['broker-error']),
      },
      relayed: {
        histogram: arrayOf(row.relayed_histogram),
        sumMs: Number(row.relayed_ms_sum),
        minMs: num(row.relayed_ms_min),
        maxMs: num(row.relayed_ms_max),
      },
    }));
  }

  /** Denied and over-quota attempts per consumer and problem type. */
  async refusals(selection: RollupSelection): Promise<Refusal[]> {
    const params: unknown[] = [];
    const { table, column } = rollupOf(selection);
    const where = this.where(selection, params, column);
    const rows = await this.query(
      `SELECT consumer, outcome, problem_type AS reason, sum(exchanges)::float8 AS count
       FROM ${table} WHERE ${where} AND ${NOT_PROBE} AND outcome IN (${REVIEWED_REFUSALS.map((o) => `'${o}'`).join(', ')})
       GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3`,
      params,
    );
    return rows.map((row) => ({ consumer: String(row.consumer), outcome: String(row.outcome), reason: String(row.reason), count: Number(row.count) }));
  }

  /** The consumers that sent anything, and the agreements inquiries were accepted under. */
  async activity(selection: RollupSelection): Promise<{ consumers: Set<string>; agreements: Set<string> }> {
    const params: unknown[] = [];
    const { table, column } = rollupOf(selection);
    const where = this.where(selection, params, column);
    const rows = await this.query(`SELECT DISTINCT consumer, agreement FROM ${table} WHERE ${where} AND ${NOT_PROBE} AND exchanges > 0`, params);
    return {
      consumers: new Set(rows.map((r) => String(r.consumer)).filter(Boolean)),
      agreements: new Set(rows.map((r) => String(r.agreement)).filter(Boolean)),
    };
  }

  private where(selection: RollupSelection, params: unknown[], column: string): string {
    const bind = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const conditions = [`${column} >= ${bind(iso(selection.from))}::timestamptz`, `${column} < ${bind(iso(selection.to))}::timestamptz`];
    const { scope, filters } = selection;
    if (!scope.all) {
      const views: string[] = [];
      if (scope.ownUsage) views.push(`consumer = ${bind(scope.agency)}`);
      if (scope.ownServices) views.push(`custodian = ${bind(scope.agency)}`);
      conditions.push(views.length > 0 ? `(${views.join(' OR ')})` : 'false');
    }
    for (const [key, value] of Object.entries(filters) as [keyof TrafficFilters, string][]) {
      if (value !== undefined) conditions.push(`${COLUMN_OF[key]} = ${bind(value)}`);
    }
    return conditions.join(' AND ');
  }

  private async query(text: string, params: unknown[]): Promise<Row[]> {
    try {
      return await this.sql.query<Row>(text, params);
    } catch (error) {
      if (isStoreUnavailable(error)) {
        throw new ProblemError('ledger-unavailable', 'The traffic ledger cannot be read now; try again shortly.', { retryAfterSeconds: 5 });
      }
      throw error;
    }
  }
}

/** The rollup table a selection reads: daily when it (and its buckets) cut only at Tehran midnights. */
function rollupOf(selection: RollupSelection, buckets?: readonly PeriodBucket[]): { table: string; column: string } {
  return ROLLUP_TABLES[rollupGrainFor([selection.from, selection.to, ...(buckets ?? []).map((b) => b.from)])];
}

function sumsOf(row: Row): RollupSums {
  return {
    exchanges: Number(row.exchanges),
    answered: Number(row.answered),
    totalMsSum: Number(row.total_ms_sum),
    totalMsMin: num(row.total_ms_min),
    totalMsMax: num(row.total_ms_max),
    requestBytesSum: Number(row.request_bytes_sum),
    requestBytesMin: num(row.request_bytes_min),
    requestBytesMax: num(row.request_bytes_max),
    responseBytesSum: Number(row.response_bytes_sum),
    responseBytesMin: num(row.response_bytes_min),
    responseBytesMax: num(row.response_bytes_max),
  };
}

/** float8[] comes back as numbers from node-postgres and PGlite alike; text is parsed just in case. */
function arrayOf(value: unknown): number[] {
  if (Array.isArray(value)) return value.map(Number);
  return String(value).replace(/[{}]/g, '').split(',').map(Number);
}
