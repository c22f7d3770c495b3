import type { TrafficRecord } from '@nix/domain';
import { CopyUnsupportedError } from './ledger-store';
import type { SqlClient } from './sql/sql-client';
import { encodeTrafficCopy, postgresMicros, TRAFFIC_COLUMNS, TRAFFIC_COPY_SQL } from './traffic-copy';

/** Upper bounds (ms, inclusive) of the latency histogram in the rollups; one more bucket holds the rest. */
export const LATENCY_BOUNDS_MS = [1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 2000, 3000, 5000, 10000] as const;

const GROUP_KEYS = ['consumer', 'registry', 'custodian', 'service', 'outcome', 'problem_type', 'purpose', 'agreement', 'broker_instance'];

function histogramSql(): string {
  const buckets = LATENCY_BOUNDS_MS.map((bound, i) => {
    const lower = i === 0 ? '' : `total_ms > ${LATENCY_BOUNDS_MS[i - 1]} AND `;
    return `count(*) FILTER (WHERE ${lower}total_ms <= ${bound})`;
  });
  buckets.push(`count(*) FILTER (WHERE total_ms > ${LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]})`);
  return `ARRAY[${buckets.join(', ')}]::bigint[]`;
}

/** Bucket subscripts of a latency histogram (1-based), one per bucket: the arrays the ledger writes all have this many. */
const BUCKETS = Array.from({ length: LATENCY_BOUNDS_MS.length + 1 }, (_, i) => i + 1);

/**
 * Element-wise sum of two histograms, as nix_add_counts (migration 0001) gives it for histograms of BUCKETS, written
 * out as one array expression: that function (unnest, array_agg) cost the embedded store about 0.1–0.5 ms per merged
 * rollup row, most of a batch's rollup cost.
 */
function addCountsSql(a: string, b: string): string {
  return `ARRAY[${BUCKETS.map((i) => `coalesce(${a}[${i}], 0) + coalesce(${b}[${i}], 0)`).join(', ')}]::bigint[]`;
}

/** The histograms of a group summed, as nix_sum_counts gives it, per bucket. */
function sumCountsSql(column: string): string {
  return `ARRAY[${BUCKETS.map((i) => `coalesce(sum(${column}[${i}]), 0)`).join(', ')}]::bigint[]`;
}

/**
 * The columns of traffic_record, each with how a batch statement carries it: arrays of plain values (instants as
 * epoch milliseconds) that Postgres unnests. That is much cheaper to parse than JSON or ISO timestamps, on PostgreSQL
 * and on the embedded store alike. The same columns, in the same order, as the embedded store's COPY.
 */
const COLUMNS: readonly { column: string; type: string; value: (r: TrafficRecord) => unknown; epochMs: boolean }[] = TRAFFIC_COLUMNS.map((c) => ({
  column: c.column,
  type: c.kind === 'time' ? 'float8' : c.kind,
  value: c.value,
  epochMs: c.kind === 'time',
}));

/** The rollups: Tehran hours in traffic_hourly, Tehran days in traffic_daily (migration 0012). */
export type RollupGrain = 'hour' | 'day';
export const ROLLUP_TABLES: Record<RollupGrain, { table: string; column: string }> = {
  hour: { table: 'traffic_hourly', column: 'hour' },
  day: { table: 'traffic_daily', column: 'day' },
};

/**
 * Each rollup column: how it is computed from records, merged into a stored row on conflict, and summed from
 * finer rollup rows (hours into a day).
 */
const ROLLUP_COLUMNS: readonly { column: string; ofRecords: string; merge: string; ofRollups: string }[] = [
  { column: 'exchanges', ofRecords: 'count(*)', merge: 'h.exchanges + excluded.exchanges', ofRollups: 'sum(exchanges)' },
  ...(['total_ms', 'broker_ms', 'transport_ms', 'adapter_ms', 'registry_ms', 'request_bytes', 'response_bytes'] as const).map((source) => ({
    column: `${source}_sum`,
    // Transport, adapter and registry times are unknown (null) for exchanges that never reached them.
    ofRecords: ['transport_ms', 'adapter_ms', 'registry_ms'].includes(source) ? `coalesce(sum(${source}), 0)` : `sum(${source})`,
    merge: `h.${source}_sum + excluded.${source}_sum`,
    ofRollups: `sum(${source}_sum)`,
  })),
  ...(['total_ms', 'request_bytes', 'response_bytes'] as const).flatMap((source) => [
    { column: `${source}_min`, ofRecords: `min(${source})`, merge: `least(h.${source}_min, excluded.${source}_min)`, ofRollups: `min(${source}_min)` },
    { column: `${source}_max`, ofRecords: `max(${source})`, merge: `greatest(h.${source}_max, excluded.${source}_max)`, ofRollups: `max(${source}_max)` },
  ]),
  { column: 'latency_counts', ofRecords: histogramSql(), merge: addCountsSql('h.latency_counts', 'excluded.latency_counts'), ofRollups: sumCountsSql('latency_counts') },
];

const GROUP_BY = `GROUP BY ${Array.from({ length: GROUP_KEYS.length + 1 }, (_, i) => i + 1).join(', ')}`;

/** Merges the rows a SELECT yields (time, keys, then ROLLUP_COLUMNS in order) into a rollup table. */
function upsertRollupSql(grain: RollupGrain, select: string): string {
  const { table, column } = ROLLUP_TABLES[grain];
  return `
  INSERT INTO ${table} AS h (${column}, ${GROUP_KEYS.join(', ')}, ${ROLLUP_COLUMNS.map((c) => c.column).join(', ')})
  ${select}
  ON CONFLICT (${column}, ${GROUP_KEYS.join(', ')}) DO UPDATE SET
    ${ROLLUP_COLUMNS.map((c) => `${c.column} = ${c.merge}`).join(',\n    ')}`;
}

/** The rollup rows (Tehran hours, or days) of the traffic records a source yields. */
function rollupOfRecordsSql(source: string, grain: RollupGrain): string {
  return `SELECT date_trunc('${grain}', received_at, 'Asia/Tehran'), ${GROUP_KEYS.map((k) => `coalesce(${k}, '')`).join(', ')},
    ${ROLLUP_COLUMNS.map((c) => c.ofRecords).join(', ')}
  FROM ${source}
  ${GROUP_BY}`;
}

/**
 * The rollup (Tehran hours, or days) of the traffic records a source yields,
 * merged into traffic_hourly or traffic_daily: what a rebuild over a range of
 * traffic_record runs.
 */
export function rollupSql(source: string, grain: RollupGrain = 'hour'): string {
  return upsertRollupSql(grain, rollupOfRecordsSql(source, grain));
}

/**
 * Writes a batch and rolls it up, by hour and by day, in one statement.
 * Records already in the ledger (a replay) are skipped, and only the new ones
 * reach the rollups, so writing the same batch twice changes nothing. The
 * records are aggregated once, by hour; the day rows are summed from those
 * few hour rows (a Tehran hour lies within one Tehran day).
 * (The grains are a parameter for the embedded-ledger benchmark, which weighs each rollup's cost.)
 */
export function insertBatchSql(grains: readonly RollupGrain[] = ['hour', 'day']): string {
  const hours = `SELECT * FROM batch_hours`;
  const days = `SELECT date_trunc('day', hour, 'Asia/Tehran'), ${GROUP_KEYS.join(', ')}, ${ROLLUP_COLUMNS.map((c) => c.ofRollups).join(', ')}
  FROM batch_hours ${GROUP_BY}`;
  const rollups = grains.map((grain) => `, rolled_${grain} AS (${upsertRollupSql(grain, grain === 'hour' ? hours : days)}
  RETURNING 1
)`);
  return `
WITH inserted AS (
  INSERT INTO traffic_record (${COLUMNS.map((c) => c.column).join(', ')})
  SELECT ${COLUMNS.map((c) => (c.epochMs ? `to_timestamp(${c.column} / 1000.0)` : c.column)).join(', ')}
  FROM unnest(${COLUMNS.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')}) AS batch(${COLUMNS.map((c) => c.column).join(', ')})
  ON CONFLICT DO NOTHING
  RETURNING *
), batch_hours (hour, ${GROUP_KEYS.join(', ')}, ${ROLLUP_COLUMNS.map((c) => c.column).join(', ')}) AS (
  ${rollupOfRecordsSql('inserted', 'hour')}
)${rollups.join('')}
SELECT (SELECT count(*) FROM inserted)::int AS inserted`;
}

const INSERT_BATCH = insertBatchSql();

/**
 * The rollup columns as a batch rolled up in JavaScript carries them (one array each), with the types the records'
 * aggregates have in insertBatchSql's batch_hours: sums and extremes of reals are real, counts and byte sums whole.
 */
const ROLLED_TYPES: Record<string, string> = {
  exchanges: 'int8', total_ms_sum: 'float4', broker_ms_sum: 'float4', transport_ms_sum: 'float4', adapter_ms_sum: 'float4', registry_ms_sum: 'float4',
  request_bytes_sum: 'int8', response_bytes_sum: 'int8', total_ms_min: 'float4', total_ms_max: 'float4', request_bytes_min: 'int8',
  request_bytes_max: 'int8', response_bytes_min: 'int8', response_bytes_max: 'int8', latency_counts: 'text',
};

/**
 * Merges a batch's hour rows, rolled up in JavaScript (rollUpBatch), into the hourly and daily rollups: the same
 * upserts as insertBatchSql's, fed by the few rows of the batch instead of aggregating its records in SQL.
 * Parameters: the hour (epoch ms), the keys, then the rollup columns in ROLLUP_COLUMNS order.
 */
export function upsertRolledBatchSql(): string {
  const columns = ['hour', ...GROUP_KEYS, ...ROLLUP_COLUMNS.map((c) => c.column)];
  const types = ['float8', ...GROUP_KEYS.map(() => 'text'), ...ROLLUP_COLUMNS.map((c) => ROLLED_TYPES[c.column])];
  const values = columns.map((c) => (c === 'hour' ? `date_trunc('hour', to_timestamp(hour / 1000.0), 'Asia/Tehran')` : c === 'latency_counts' ? 'latency_counts::bigint[]' : c));
  const hours = `SELECT ${values.join(', ')} FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) AS rolled(${columns.join(', ')})`;
  const days = `SELECT date_trunc('day', hour, 'Asia/Tehran'), ${GROUP_KEYS.join(', ')}, ${ROLLUP_COLUMNS.map((c) => c.ofRollups).join(', ')}
  FROM batch_hours ${GROUP_BY}`;
  return `
WITH batch_hours (hour, ${GROUP_KEYS.join(', ')}, ${ROLLUP_COLUMNS.map((c) => c.column).join(', ')}) AS (
  ${hours}
), rolled_hour AS (${upsertRollupSql('hour', 'SELECT * FROM batch_hours')}
  RETURNING 1
), rolled_day AS (${upsertRollupSql('day', days)}
  RETURNING 1
)
SELECT (SELECT count(*) FROM rolled_hour)::int AS hours`;
}

const UPSERT_ROLLED_BATCH = upsertRolledBatchSql();

/** Instants from here on lie in hours that start at half past a UTC hour in Tehran (+03:30, and +04:30 while it kept summer time). */
const TEHRAN_HALF_HOUR_SINCE = Date.UTC(1980, 0, 1);
const HOUR_US = 3_600_000_000;
const HALF_HOUR_US = 1_800_000_000;
const POSTGRES_EPOCH_MS = 946_684_800_000;

interface RolledRow {
  hourMs: number;
  keys: string[];
  exchanges: number;
  sums: number[];
  requestBytesSum: number;
  responseBytesSum: number;
  totalMin: number;
  totalMax: number;
  requestMin: number;
  requestMax: number;
  responseMin: number;
  responseMax: number;
  counts: number[];
}

const KEY_FIELDS: readonly ((r: TrafficRecord) => string | null)[] = [
  (r) => r.consumer, (r) => r.registry, (r) => r.custodian, (r) => r.service, (r) => r.outcome, (r) => r.problemType, (r) => r.purpose, (r) => r.agreement,
  (r) => r.brokerInstance,
];

/**
 * A batch rolled up by Tehran hour and group, as insertBatchSql's batch_hours would hold it, value for value: reals
 * summed in float4 in the batch's order (as PostgreSQL's sum(real) does), the latency histogram over the stored
 * float4 total, instants rounded to the stored microsecond. The parameters of upsertRolledBatchSql, or null when an
 * instant predates TEHRAN_HALF_HOUR_SINCE (such a batch is rolled up in SQL).
 */
export function rollUpBatch(records: readonly TrafficRecord[]): unknown[][] | null {
  const rows = new Map<string, RolledRow>();
  for (const r of records) {
    if (!(r.receivedAt >= TEHRAN_HALF_HOUR_SINCE)) return null;
    const micros = postgresMicros(r.receivedAt);
    // Tehran hours start at half past UTC hours: shift by half an hour, truncate, shift back.
    const hourUs = Math.floor((micros - HALF_HOUR_US) / HOUR_US) * HOUR_US + HALF_HOUR_US;
    const hourMs = hourUs / 1000 + POSTGRES_EPOCH_MS;
    const keys = KEY_FIELDS.map((key) => key(r) ?? '');
    const id = `${hourMs}\u0000${keys.join('\u0000')}`;
    const total = Math.fround(Math.max(0, r.respondedAt - r.receivedAt));
    let row = rows.get(id);
    if (!row) {
      row = {
        hourMs, keys, exchanges: 0, sums: [0, 0, 0, 0, 0], requestBytesSum: 0, responseBytesSum: 0, totalMin: total, totalMax: total,
        requestMin: r.requestBytes, requestMax: r.requestBytes, responseMin: r.responseBytes, responseMax: r.responseBytes,
        counts: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0),
      };
      rows.set(id, row);
    }
    row.exchanges++;
    const values = [total, r.brokerMs, r.transportMs, r.adapterMs, r.registryMs];
    for (let i = 0; i < 5; i++) if (values[i] !== null) row.sums[i] = Math.fround(row.sums[i] + Math.fround(values[i]!));
    row.requestBytesSum += r.requestBytes;
    row.responseBytesSum += r.responseBytes;
    if (total < row.totalMin) row.totalMin = total;
    if (total > row.totalMax) row.totalMax = total;
    if (r.requestBytes < row.requestMin) row.requestMin = r.requestBytes;
    if (r.requestBytes > row.requestMax) row.requestMax = r.requestBytes;
    if (r.responseBytes < row.responseMin) row.responseMin = r.responseBytes;
    if (r.responseBytes > row.responseMax) row.responseMax = r.responseBytes;
    let bucket = 0;
    while (bucket < LATENCY_BOUNDS_MS.length && total > LATENCY_BOUNDS_MS[bucket]) bucket++;
    row.counts[bucket]++;
  }
  const list = [...rows.values()];
  return [
    list.map((row) => row.hourMs),
    ...GROUP_KEYS.map((_, k) => list.map((row) => row.keys[k])),
    // In ROLLUP_COLUMNS order.
    list.map((row) => row.exchanges),
    ...[0, 1, 2, 3, 4].map((i) => list.map((row) => row.sums[i])),
    list.map((row) => row.requestBytesSum),
    list.map((row) => row.responseBytesSum),
    list.map((row) => row.totalMin),
    list.map((row) => row.totalMax),
    list.map((row) => row.requestMin),
    list.map((row) => row.requestMax),
    list.map((row) => row.responseMin),
    list.map((row) => row.responseMax),
    list.map((row) => `{${row.counts.join(',')}}`),
  ];
}

/** The batch as one array per column, in the order of INSERT_BATCH's parameters. */
export function batchParameters(records: readonly TrafficRecord[]): unknown[][] {
  return COLUMNS.map((c) => records.map(c.value));
}

/** SQLSTATE class 22 (data exception) or 23 (integrity constraint): the data is refused, not the connection. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

/** One instant in each UTC month from first to last: a batch spans seconds, so usually one. */
function monthsBetween(first: number, last: number): number[] {
  const months = [first];
  const end = new Date(last);
  for (let d = new Date(first); d.getUTCFullYear() * 12 + d.getUTCMonth() < end.getUTCFullYear() * 12 + end.getUTCMonth(); ) {
    d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    months.push(d.getTime());
  }
  return months;
}

/** Month partitions of traffic_record are named traffic_record_yYYYYmMM and cover UTC months. */
function partitionOf(epochMs: number): { name: string; from: string; to: string } {
  const d = new Date(epochMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const next = new Date(Date.UTC(y, m + 1, 1));
  return {
    name: `traffic_record_y${y}m${String(m + 1).padStart(2, '0')}`,
    from: new Date(Date.UTC(y, m, 1)).toISOString(),
    to: next.toISOString(),
  };
}

/** The traffic ledger's storage: raw records by month partition, and their hourly rollups. */
export class TrafficRepository {
  private readonly knownPartitions = new Set<string>();

  constructor(readonly sql: SqlClient) {}

  /** Writes records not yet in the ledger; answers how many were new. */
  async insertBatch(records: readonly TrafficRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    let first = Infinity;
    let last = -Infinity;
    for (const r of records) {
      if (r.receivedAt < first) first = r.receivedAt;
      if (r.receivedAt > last) last = r.receivedAt;
    }
    await this.ensurePartitionsFor(monthsBetween(first, last));
    if (this.sql.copyFrom && (await this.copied(records))) return records.length;
    const [result] = await this.sql.query<{ inserted: number }>(INSERT_BATCH, batchParameters(records));
    return result.inserted;
  }

  /**
   * The embedded store's fast path: the batch as binary COPY, its rollup computed here, both in one transaction
   * (the same rows as INSERT_BATCH). Answers false when the batch must take the statement instead: a value the
   * binary form does not carry, or a refusal for its data (a record already stored, on a replay, fails the COPY's
   * primary key): the statement then skips what is stored, or refuses the batch with the store's own reason.
   */
  private async copied(records: readonly TrafficRecord[]): Promise<boolean> {
    const rolled = rollUpBatch(records);
    const bytes = rolled && encodeTrafficCopy(records);
    if (!rolled || !bytes) return false;
    try {
      await this.sql.copyFrom!(TRAFFIC_COPY_SQL, bytes, [{ sql: UPSERT_ROLLED_BATCH, params: rolled }]);
      return true;
    } catch (error) {
      if (error instanceof CopyUnsupportedError || isDataError(error)) return false;
      throw error;
    }
  }

  async ensurePartitionsFor(times: readonly number[]): Promise<void> {
    const needed = new Map<string, ReturnType<typeof partitionOf>>();
    for (const t of times) {
      const p = partitionOf(t);
      if (!this.knownPartitions.has(p.name)) needed.set(p.name, p);
    }
    for (const p of needed.values()) {
      await this.sql.exec(`CREATE TABLE IF NOT EXISTS ${p.name} PARTITION OF traffic_record FOR VALUES FROM ('${p.from}') TO ('${p.to}')`).catch((error: Error) => {
        // Another broker created it at the same moment.
        if (!/already exists/.test(error.message)) throw error;
      });
      this.knownPartitions.add(p.name);
    }
  }

  async partitions(): Promise<string[]> {
    const rows = await this.sql.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       WHERE p.relname = 'traffic_record' ORDER BY 1`,
    );
    return rows.map((r) => r.name);
  }

  /** Retention: drops whole month partitions that end before the cutoff. Rollups stay. */
  async dropPartitionsBefore(cutoffMs: number): Promise<string[]> {
    const cutoff = partitionOf(cutoffMs).name;
    const dropped: string[] = [];
    for (const name of await this.partitions()) {
      if (/^traffic_record_y\d{4}m\d{2}$/.test(name) && name < cutoff) {
        await this.sql.exec(`DROP TABLE ${name}`);
        this.knownPartitions.delete(name);
        dropped.push(name);
      }
    }
    return dropped;
  }

  /** Retention of the quarantine: entries set aside before the cutoff go, as the raw records of their months do. */
  async dropQuarantinedBefore(cutoffMs: number): Promise<number> {
    const rows = await this.sql.query<{ n: number }>(
      'WITH dropped AS (DELETE FROM traffic_quarantine WHERE quarantined_at < to_timestamp($1::float8 / 1000.0) RETURNING 1) SELECT count(*)::int AS n FROM dropped',
      [cutoffMs],
    );
    return rows[0].n;
  }

  async count(): Promise<number> {
    const [row] = await this.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM traffic_record');
    return row.n;
  }
}
