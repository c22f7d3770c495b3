import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlClient } from '../sql/sql-client';

const MIGRATIONS_DIR = __dirname;
// Any fixed number: serialises brokers that start at the same moment.
const MIGRATION_LOCK = 7424919;

/** Applies the SQL files in migrations/ that the database has not seen, in order, each in its own transaction. */
export async function migrate(sql: SqlClient): Promise<string[]> {
  await sql.exec('CREATE TABLE IF NOT EXISTS nix_migration (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
  const files = readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  for (const file of files) {
    const id = file.replace(/\.sql$/, '');
    const done = await sql.query<{ id: string }>('SELECT id FROM nix_migration WHERE id = $1', [id]);
    if (done.length > 0) continue;
    const body = readFileSync(join(MIGRATIONS_DIR, file), 'utf8');
    // One multi-statement query runs as one implicit transaction: all of it or nothing,
    // and no connection is left inside a failed transaction block.
    await sql
      .exec(
        `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK});
         DO $nix$ BEGIN IF EXISTS (SELECT 1 FROM nix_migration WHERE id = '${id}') THEN RAISE EXCEPTION 'nix-migration-raced'; END IF; END $nix$;
         ${body}
         INSERT INTO nix_migration (id) VALUES ('${id}');`,
      )
      .catch((error: Error) => {
        if (!/nix-migration-raced/.test(error.message)) throw new Error(`migration ${id} failed: ${error.message}`);
      });
    applied.push(id);
  }
  return applied;
}
