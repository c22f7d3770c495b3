import type { TrafficRecord } from '@nix/domain';
import type { SqlClient } from './sql/sql-client';

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

/**
 * The columns of traffic_record, each with how a batch carries it: arrays of
 * plain values (timestamps as epoch milliseconds) that Postgres unnests. That
 * is much cheaper to parse than JSON or ISO timestamps, on PostgreSQL and on
 * the embedded store alike.
 */
const COLUMNS: readonly { column: string; type: string; value: (r: TrafficRecord) => unknown; epochMs?: true }[] = [
  { column: 'exchange_id', type: 'uuid', value: (r) => r.exchangeId },
  { column: 'received_at', type: 'float8', value: (r) => r.receivedAt, epochMs: true },
  { column: 'dispatched_at', type: 'float8', value: (r) => r.dispatchedAt, epochMs: true },
  { column: 'adapter_received_at', type: 'float8', value: (r) => r.adapterReceivedAt, epochMs: true },
  { column: 'adapter_replied_at', type: 'float8', value: (r) => r.adapterRepliedAt, epochMs: true },
  { column: 'responded_at', type: 'float8', value: (r) => r.respondedAt, epochMs: true },
  { column: 'consumer', type: 'text', value: (r) => r.consumer },
  { column: 'registry', type: 'text', value: (r) => r.registry },
  { column: 'custodian', type: 'text', value: (r) => r.custodian },
  { column: 'service', type: 'text', value: (r) => r.service },
  { column: 'service_version', type: 'text', value: (r) => r.serviceVersion },
  { column: 'purpose', type: 'text', value: (r) => r.purpose },
  { column: 'agreement', type: 'text', value: (r) => r.agreement },
  { column: 'tracking_digest', type: 'text', value: (r) => r.trackingDigest },
  { column: 'receipt_digest', type: 'text', value: (r) => r.receiptDigest ?? null },
  { column: 'outcome', type: 'text', value: (r) => r.outcome },
  { column: 'http_status', type: 'int2', value: (r) => r.httpStatus },
  { column: 'problem_type', type: 'text', value: (r) => r.problemType },
  { column: 'request_bytes', type: 'int8', value: (r) => r.requestBytes },
  { column: 'response_bytes', type: 'int8', value: (r) => r.responseBytes },
  { column: 'total_ms', type: 'float4', value: (r) => Math.max(0, r.respondedAt - r.receivedAt) },
  { column: 'broker_ms', type: 'float4', value: (r) => r.brokerMs },
  { column: 'transport_ms', type: 'float4', value: (r) => r.transportMs },
  { column: 'adapter_ms', type: 'float4', value: (r) => r.adapterMs },
  { column: 'registry_ms', type: 'float4', value: (r) => r.registryMs },
  { column: 'broker_instance', type: 'text', value: (r) => r.brokerInstance },
  { column: 'adapter_instance', type: 'text', value: (r) => r.adapterInstance },
  { column: 'ledger_seq', type: 'int8', value: (r) => r.ledgerSeq ?? null },
  { column: 'ledger_prev', type: 'text', value: (r) => r.ledgerPrev ?? null },
  { column: 'ledger_hash', type: 'text', value: (r) => r.ledgerHash ?? null },
];

/** The rollups: Tehran hours in traffic_hourly, Tehran days in traffic_daily (migration 0012). */
export type RollupGrain = 'hour' | 'day';
export const ROLLUP_TABLES: Record<RollupGrain, { table: string; column: string }> = {
  hour: { table: 'traffic_hourly', column: 'hour' },
  day: { table: 'traffic_daily', column: 'day' },
};

/**
 * The rollup (Tehran hours, or days) of the traffic records a source yields,
 * merged into traffic_hourly or traffic_daily. The batch insert rolls up the
 * rows it has just inserted into both; a rebuild can roll up a range of
 * traffic_record.
 */
export function rollupSql(source: string, grain: RollupGrain = 'hour'): string {
  const { table, column } = ROLLUP_TABLES[grain];
  return `
  INSERT INTO ${table} AS h (${column}, ${GROUP_KEYS.join(', ')}, exchanges,
    total_ms_sum, total_ms_min, total_ms_max, broker_ms_sum, transport_ms_sum, adapter_ms_sum, registry_ms_sum,
    request_bytes_sum, request_bytes_min, request_bytes_max, response_bytes_sum, response_bytes_min, response_bytes_max, latency_counts)
  SELECT date_trunc('${grain}', received_at, 'Asia/Tehran'), ${GROUP_KEYS.map((k) => `coalesce(${k}, '')`).join(', ')}, count(*),
    sum(total_ms), min(total_ms), max(total_ms), sum(broker_ms), coalesce(sum(transport_ms), 0), coalesce(sum(adapter_ms), 0), coalesce(sum(registry_ms), 0),
    sum(request_bytes), min(request_bytes), max(request_bytes), sum(response_bytes), min(response_bytes), max(response_bytes), ${histogramSql()}
  FROM ${source}
  GROUP BY ${Array.from({ length: GROUP_KEYS.length + 1 }, (_, i) => i + 1).join(', ')}
  ON CONFLICT (${column}, ${GROUP_KEYS.join(', ')}) DO UPDATE SET
    exchanges = h.exchanges + excluded.exchanges,
    total_ms_sum = h.total_ms_sum + excluded.total_ms_sum,
    total_ms_min = least(h.total_ms_min, excluded.total_ms_min),
    total_ms_max = greatest(h.total_ms_max, excluded.total_ms_max),
    broker_ms_sum = h.broker_ms_sum + excluded.broker_ms_sum,
    transport_ms_sum = h.transport_ms_sum + excluded.transport_ms_sum,
    adapter_ms_sum = h.adapter_ms_sum + excluded.adapter_ms_sum,
    registry_ms_sum = h.registry_ms_sum + excluded.registry_ms_sum,
    request_bytes_sum = h.request_bytes_sum + excluded.request_bytes_sum,
    request_bytes_min = least(h.request_bytes_min, excluded.request_bytes_min),
    request_bytes_max = greatest(h.request_bytes_max, excluded.request_bytes_max),
    response_bytes_sum = h.response_bytes_sum + excluded.response_bytes_sum,
    response_bytes_min = least(h.response_bytes_min, excluded.response_bytes_min),
    response_bytes_max = greatest(h.response_bytes_max, excluded.response_bytes_max),
    latency_counts = nix_add_counts(h.latency_counts, excluded.latency_counts)`;
}

/**
 * Writes a batch and rolls it up, by hour and by day, in one statement. Records already in the
 * ledger (a replay) are skipped, and only the new ones reach the rollups,
 * so writing the same batch twice changes nothing.
 */
const INSERT_BATCH = `
WITH inserted AS (
  INSERT INTO traffic_record (${COLUMNS.map((c) => c.column).join(', ')})
  SELECT ${COLUMNS.map((c) => (c.epochMs ? `to_timestamp(${c.column} / 1000.0)` : c.column)).join(', ')}
  FROM unnest(${COLUMNS.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')}) AS batch(${COLUMNS.map((c) => c.column).join(', ')})
  ON CONFLICT DO NOTHING
  RETURNING *
), rolled AS (
  ${rollupSql('inserted', 'hour')}
  RETURNING 1
), rolled_daily AS (
  ${rollupSql('inserted', 'day')}
  RETURNING 1
)
SELECT (SELECT count(*) FROM inserted)::int AS inserted`;

/** The batch as one array per column, in the order of INSERT_BATCH's parameters. */
export function batchParameters(records: readonly TrafficRecord[]): unknown[][] {
  return COLUMNS.map((c) => records.map(c.value));
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
    const [result] = await this.sql.query<{ inserted: number }>(INSERT_BATCH, batchParameters(records));
    return result.inserted;
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
