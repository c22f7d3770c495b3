/**
 * The SQL port of the ledger. PostgreSQL in production and PGlite on the
 * embedded default run the same SQL through it.
 */
export interface SqlClient {
  readonly kind: 'postgres' | 'pglite';
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs several statements, without parameters (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}
