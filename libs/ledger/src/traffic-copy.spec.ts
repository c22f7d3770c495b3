import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrafficRecord } from '@nix/domain';
import { migrate } from './migrations/migrator';
import { PgliteSqlClient } from './sql/pglite-sql-client';
import type { SqlClient } from './sql/sql-client';
import { encodeTrafficCopy } from './traffic-copy';
import { TrafficRepository } from './traffic-repository';

const HOUR = 3_600_000;
/** 2026-11-30 23:40 UTC: 03:10 in Tehran, twenty minutes before the Tehran hour ends at 00:00 UTC… */
const T0 = Date.UTC(2026, 10, 30, 23, 40);

let n = 0;
function record(at: number, fields: Partial<TrafficRecord> = {}): TrafficRecord {
  n++;
  return {
    exchangeId: `0193a0b0-0000-7000-8000-${String(n).padStart(12, '0')}`,
    receivedAt: at, dispatchedAt: at + 0.3, adapterReceivedAt: at + 0.9, adapterRepliedAt: at + 1.4, respondedAt: at + 2 + (n % 7) * 1.37,
    consumer: `agency-${n % 3}`, registry: 'identity', custodian: 'civil-registration', service: n % 2 ? 'person' : 'person-verification', serviceVersion: '1.0.0',
    purpose: 'tax-audit', agreement: `agreement-${n % 3}`, trackingDigest: n % 3 === 0 ? `digest-${n}` : null, receiptDigest: null,
    outcome: n % 5 ? 'ok' : 'not-found', httpStatus: n % 5 ? 200 : 404, problemType: n % 5 ? null : 'record-not-found', requestBytes: 60 + n, responseBytes: 320 - n,
    brokerMs: 0.1 * (n % 9), transportMs: n % 4 ? 0.8 : null, adapterMs: n % 4 ? 0.21 : null, registryMs: n % 4 ? 1.1 + n / 1000 : null,
    brokerInstance: 'broker-a', adapterInstance: n % 4 ? 'adapter-1' : null, ledgerSeq: n, ledgerPrev: 'p'.repeat(64), ledgerHash: 'h'.repeat(64),
    ...fields,
  };
}

/** Batches that cross a Tehran hour and a Tehran day, merge into rows already stored, and carry edge values. */
function batches(): TrafficRecord[][] {
  const first = Array.from({ length: 40 }, (_, i) => record(T0 + i * 37_000.123));
  const second = Array.from({ length: 60 }, (_, i) => record(T0 + 10 * 60_000 + i * 53_000.0007));
  second.push(
    record(T0 + 0.0005, { consumer: 'مرکز آمار', receiptDigest: 'r'.repeat(43), requestBytes: 2 ** 40, responseBytes: 0, httpStatus: 500, outcome: 'provider-error' }),
    record(T0 + 21.5 * HOUR + 0.0015, { dispatchedAt: null, adapterReceivedAt: null, adapterRepliedAt: null, respondedAt: T0 + 21.5 * HOUR + 10_000.25 }),
    record(T0 + 1, { consumer: null, registry: null, custodian: null, service: null, serviceVersion: null, purpose: null, agreement: null, outcome: 'unauthenticated', httpStatus: 401, problemType: 'unauthenticated', ledgerSeq: undefined, ledgerPrev: undefined, ledgerHash: undefined }),
    record(T0 + 2, { respondedAt: T0 + 1 }),
  );
  return [first, second];
}

async function rows(sql: SqlClient, table: string): Promise<string[]> {
  const result = await sql.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t ORDER BY 1`);
  return result.map((r) => r.row);
}

describe('the embedded ledger’s COPY path', () => {
  const dirs: string[] = [];
  const clients: PgliteSqlClient[] = [];
  async function store(): Promise<PgliteSqlClient> {
    const dir = mkdtempSync(join(tmpdir(), 'nix-copy-'));
    dirs.push(dir);
    const sql = new PgliteSqlClient(dir);
    clients.push(sql);
    await migrate(sql);
    return sql;
  }
  afterAll(async () => {
    for (const sql of clients) await sql.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('stores the same records and rollups, value for value, as the INSERT statement', async () => {
    const copying = await store();
    const inserting = await store();
    // The same store without COPY: TrafficRepository then writes through the statement.
    const statementOnly: SqlClient = { kind: 'pglite', query: (s, p) => inserting.query(s, p), exec: (s) => inserting.exec(s), close: async () => undefined };
    let copies = 0;
    const counting: SqlClient = {
      kind: 'pglite', query: (s, p) => copying.query(s, p), exec: (s) => copying.exec(s), close: async () => undefined,
      copyFrom: (copy, bytes, then) => {
        copies++;
        return copying.copyFrom(copy, bytes, then);
      },
    };
    const viaCopy = new TrafficRepository(counting);
    const viaStatement = new TrafficRepository(statementOnly);
    for (const batch of batches()) {
      expect(await viaCopy.insertBatch(batch)).toBe(batch.length);
      expect(await viaStatement.insertBatch(batch)).toBe(batch.length);
    }
    expect(copies).toBe(2);
    for (const table of ['traffic_record', 'traffic_hourly', 'traffic_daily']) {
      const stored = await rows(copying, table);
      expect(stored.length).toBeGreaterThan(table === 'traffic_record' ? 100 : 4);
      expect(stored).toEqual(await rows(inserting, table));
    }
  }, 60_000);

  it('stores a replayed batch once, and counts it once in the rollups', async () => {
    const sql = await store();
    const repository = new TrafficRepository(sql);
    const [batch] = batches();
    await repository.insertBatch(batch);
    // A replay (spool, journal): the COPY meets the primary key, and the statement skips what is stored.
    expect(await repository.insertBatch([...batch, record(T0 + 5)])).toBe(1);
    expect(await repository.count()).toBe(batch.length + 1);
    const [{ exchanges }] = await sql.query<{ exchanges: number }>('SELECT sum(exchanges)::int AS exchanges FROM traffic_hourly');
    const [{ daily }] = await sql.query<{ daily: number }>('SELECT sum(exchanges)::int AS daily FROM traffic_daily');
    expect([exchanges, daily]).toEqual([batch.length + 1, batch.length + 1]);
  }, 60_000);

  it('refuses, as the statement does, a value it cannot carry (a data error the writer quarantines)', async () => {
    const sql = await store();
    const repository = new TrafficRepository(sql);
    const bad = record(T0, { exchangeId: 'not-a-uuid' });
    expect(encodeTrafficCopy([bad])).toBeNull();
    await expect(repository.insertBatch([record(T0 + 1), bad])).rejects.toMatchObject({ code: '22P02' });
    expect(await repository.count()).toBe(0);
    expect(encodeTrafficCopy([record(T0, { httpStatus: 70_000 })])).toBeNull();
    expect(encodeTrafficCopy([record(T0, { brokerMs: 1e39 })])).toBeNull();
    expect(encodeTrafficCopy([record(T0, { requestBytes: 1.5 })])).toBeNull();
  }, 60_000);
});
