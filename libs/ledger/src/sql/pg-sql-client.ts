import { Pool, types } from 'pg';
import type { SqlClient } from './sql-client';

// Counts come back as bigint; the ledger's fit in a JS number.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));

/** PostgreSQL through a small pool (node-postgres). */
export class PgSqlClient implements SqlClient {
  readonly kind = 'postgres' as const;
  private readonly pool: Pool;

  constructor(connectionString: string, max = 4) {
    this.pool = new Pool({ connectionString, max, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000 });
    // An idle client's error (the server restarting) must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const result = await this.pool.query(sql, params);
    return result.rows as T[];
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
