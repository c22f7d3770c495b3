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
  /** The embedded store only: COPY FROM the bytes, then the statements after it, in one transaction (see PgliteSqlClient). */
  copyFrom?<T = Record<string, unknown>>(copySql: string, bytes: Uint8Array, then: readonly CopyFollowUp[]): Promise<T[]>;
}

/** A statement run after a COPY, in its transaction. */
export interface CopyFollowUp {
  sql: string;
  params: unknown[];
}
