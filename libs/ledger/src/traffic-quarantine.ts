import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { trafficRecordFields, trafficRecordProblem, type TrafficRecord } from '@nix/domain';
import type { SqlClient } from './sql/sql-client';

/** A record (or message) the ledger could not take, and why. Metadata only (R3): never a message's raw bytes. */
export interface QuarantineEntry {
  /** writer, spool, or recorder with the topic, partition and offset. */
  source: string;
  reason: string;
  exchangeId: string | null;
  /** The known fields of the record, when there was one. */
  record: Record<string, unknown> | null;
}

/** Where records that can never be written are set aside, so that they do not block the ones behind them. */
export interface TrafficQuarantine {
  put(entries: readonly QuarantineEntry[]): Promise<void>;
}

/** Whatever takes batches of records for good: the ledger's repository, or Kafka. */
export interface TrafficBatchStore {
  insertBatch(records: readonly TrafficRecord[]): Promise<unknown>;
  /** Releases connections the store opened itself. */
  close?(): Promise<void>;
}

/** Kafka error types that say the message itself is refused, not the connection. */
const KAFKA_DATA_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'RECORD_LIST_TOO_LARGE']);

/**
 * A failure that writing again cannot cure, because the data itself is
 * refused: SQLSTATE class 22 (data exception) or 23 (integrity constraint),
 * or Kafka refusing the message. Anything else (a lost connection, a store
 * not open yet) is transient and retried.
 */
export function isDataError(error: unknown): boolean {
  const { code, type } = (error ?? {}) as { code?: unknown; type?: unknown };
  if (typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code)) return true;
  return typeof type === 'string' && KAFKA_DATA_ERRORS.has(type);
}

function describeError(error: unknown): string {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return `refused by the store${typeof code === 'string' ? ` (SQLSTATE ${code})` : ''}: ${String(message ?? error)}`;
}

export function quarantineEntryOf(source: string, reason: string, value: unknown): QuarantineEntry {
  const record = trafficRecordFields(value);
  const exchangeId = record && typeof record.exchangeId === 'string' ? record.exchangeId.slice(0, 64) : null;
  return { source, reason, exchangeId, record };
}

export interface IsolatedWrite {
  /** Records the store took (those already in the ledger included). */
  written: number;
  quarantined: number;
}

/**
 * Writes records, isolating those that can never be written: records that
 * fail validation are set aside at once; if the store refuses a batch for its
 * data, the batch is split in halves until the refused records stand alone,
 * and those are quarantined. The rest is written. A transient failure is
 * thrown for the caller to retry (writes are idempotent on exchange ID, so
 * halves already written are not doubled).
 */
export async function writeIsolating(
  store: TrafficBatchStore,
  values: readonly unknown[],
  source: string,
  quarantine: TrafficQuarantine,
): Promise<IsolatedWrite> {
  const entries: QuarantineEntry[] = [];
  const valid: TrafficRecord[] = [];
  for (const value of values) {
    const problem = trafficRecordProblem(value);
    if (problem) entries.push(quarantineEntryOf(source, `invalid record: ${problem}`, value));
    else valid.push(value as TrafficRecord);
  }
  let written = 0;
  const write = async (batch: readonly TrafficRecord[]): Promise<void> => {
    if (batch.length === 0) return;
    try {
      await store.insertBatch(batch);
      written += batch.length;
    } catch (error) {
      if (!isDataError(error)) throw error;
      if (batch.length === 1) {
        entries.push(quarantineEntryOf(source, describeError(error), batch[0]));
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await write(batch.slice(0, half));
      await write(batch.slice(half));
    }
  };
  await write(valid);
  if (entries.length > 0) await quarantine.put(entries);
  return { written, quarantined: entries.length };
}

/** PostgreSQL's text and jsonb cannot hold NUL: it is replaced, so that setting a record aside never fails on it. */
function withoutNul(text: string): string {
  // eslint-disable-next-line no-control-regex -- NUL is exactly what is looked for
  return text.replace(/\u0000/g, '\uFFFD').replace(/\\u0000/g, '\\uFFFD');
}

/** The quarantine as a table of the ledger's database (traffic_quarantine). */
export class SqlTrafficQuarantine implements TrafficQuarantine {
  constructor(private readonly sql: SqlClient) {}

  async put(entries: readonly QuarantineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.sql.query(
      `INSERT INTO traffic_quarantine (source, reason, exchange_id, record)
       SELECT source, reason, exchange_id, record::jsonb FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS q(source, reason, exchange_id, record)`,
      [
        entries.map((e) => withoutNul(e.source)),
        entries.map((e) => withoutNul(e.reason)),
        entries.map((e) => (e.exchangeId === null ? null : withoutNul(e.exchangeId))),
        entries.map((e) => (e.record === null ? null : withoutNul(JSON.stringify(e.record)))),
      ],
    );
  }

  async list(): Promise<(QuarantineEntry & { quarantinedAt: Date })[]> {
    return this.sql.query(
      `SELECT source, reason, exchange_id AS "exchangeId", record, quarantined_at AS "quarantinedAt" FROM traffic_quarantine ORDER BY id`,
    );
  }
}

/** The quarantine as JSON lines beside the spool (NIX_DATA_DIR/quarantine), each append synced to disk. */
export class FileTrafficQuarantine implements TrafficQuarantine {
  constructor(readonly dir: string) {}

  async put(entries: readonly QuarantineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    mkdirSync(this.dir, { recursive: true });
    const now = new Date().toISOString();
    const fd = openSync(join(this.dir, `quarantine-${now.slice(0, 10)}.jsonl`), 'a');
    try {
      writeSync(fd, entries.map((e) => JSON.stringify({ quarantinedAt: now, ...e })).join('\n') + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

/** The table when it takes the entries, else the file: a record set aside is never lost because the store is down. */
export class FallbackTrafficQuarantine implements TrafficQuarantine {
  constructor(
    private readonly primary: TrafficQuarantine,
    private readonly fallback: TrafficQuarantine,
  ) {}

  async put(entries: readonly QuarantineEntry[]): Promise<void> {
    try {
      await this.primary.put(entries);
    } catch {
      await this.fallback.put(entries);
    }
  }
}

export function quarantineDir(dataDir: string): string {
  return join(dataDir, 'quarantine');
}
