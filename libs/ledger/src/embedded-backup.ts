import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { ChainHeadFile, chainHeadDir } from './chaining-traffic-sink';
import { embeddedStoreDir } from './sql/pglite-sql-client';

/** What a restored store holds, counted once it opened: the drill and the restore script print it. */
export interface RestoredStore {
  trafficRecords: number;
  auditEntries: number;
  governanceVersion: number;
  /** The broker instances whose chain heads were written from the store, so that their chains continue after it. */
  chains: { instance: string; seq: number }[];
}

/**
 * Each instance's chain head in the restored store: its last record, or its last signed checkpoint when that is
 * further on (records chained before the backup and written after it: lost, and ledger:verify reports them missing).
 */
const CHAIN_HEADS = `
  SELECT DISTINCT ON (instance) instance, seq::float8 AS seq, hash FROM (
    SELECT broker_instance AS instance, ledger_seq AS seq, ledger_hash AS hash FROM traffic_record WHERE ledger_seq IS NOT NULL
    UNION ALL SELECT broker_instance, seq, hash FROM ledger_checkpoint
  ) heads ORDER BY instance, seq DESC`;

/** A data directory is restored into only when it is empty (or absent): a restore never overwrites a ledger. */
export function requireEmptyDataDir(dataDir: string): void {
  if (!existsSync(dataDir)) return;
  const entries = readdirSync(dataDir);
  if (entries.length > 0) {
    throw new Error(`${dataDir} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}): a restore goes into an empty data directory only`);
  }
}

/**
 * Restores a snapshot of the embedded store (`POST /ops/backup`'s gzipped tarball of PGlite's data directory) into an
 * empty NIX_DATA_DIR, opens it once (PostgreSQL's crash recovery replays the WAL the snapshot holds), and counts what
 * it holds. Directories are made owner-only: the ledger holds traffic metadata that names agencies.
 */
export async function restoreEmbeddedStore(archive: Buffer, dataDir: string): Promise<RestoredStore> {
  requireEmptyDataDir(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const storeDir = embeddedStoreDir(dataDir);
  mkdirSync(storeDir, { recursive: true, mode: 0o700 });
  const db = new PGlite(storeDir, { loadDataDir: new Blob([new Uint8Array(archive)]) });
  try {
    await db.waitReady;
    const count = async (sql: string) => Number((await db.query<{ n: number | string }>(sql)).rows[0]?.n ?? 0);
    const heads = (await db.query<{ instance: string; seq: number; hash: string }>(CHAIN_HEADS)).rows;
    // Without its head file a broker of the same NIX_INSTANCE_ID would number its records from 1 again.
    for (const head of heads) {
      new ChainHeadFile(chainHeadDir(dataDir), head.instance).write({ seq: Number(head.seq), hash: head.hash, reservedUpTo: Number(head.seq), clean: true });
    }
    return {
      chains: heads.map((h) => ({ instance: h.instance, seq: Number(h.seq) })),
      trafficRecords: await count('SELECT count(*)::int AS n FROM traffic_record'),
      auditEntries: await count('SELECT count(*)::int AS n FROM governance_audit'),
      governanceVersion: await count('SELECT coalesce(max(version), 0)::int AS n FROM governance_version'),
    };
  } finally {
    await db.close();
  }
}
