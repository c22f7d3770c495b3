import { join } from 'node:path';
import { migrate } from './migrations/migrator';
import { PgSqlClient } from './sql/pg-sql-client';
import { embeddedStoreDir, PgliteSqlClient } from './sql/pglite-sql-client';
import type { CopyFollowUp, SqlClient } from './sql/sql-client';

export interface LedgerStoreOptions {
  /** PostgreSQL when set; otherwise the embedded store under dataDir. */
  databaseUrl: string | null;
  dataDir: string;
}

/** The ledger's database is not open yet, or could not be opened; the caller retries later. */
export class LedgerStoreUnavailableError extends Error {
  constructor(reason: string) {
    super(`the ledger store is not available: ${reason}`);
    this.name = 'LedgerStoreUnavailableError';
  }
}

/** The store's client has no COPY: the caller writes through statements instead. */
export class CopyUnsupportedError extends Error {
  constructor() {
    super('this store takes no COPY');
    this.name = 'CopyUnsupportedError';
  }
}

/** Whether a store error means "not reachable now" (not open yet, connection refused or lost, server shutting down). */
export function isStoreUnavailable(error: unknown): boolean {
  return error instanceof LedgerStoreUnavailableError || /^(ECONN|ETIMEDOUT|57P0|08)/.test(String((error as { code?: string }).code ?? ''));
}

/**
 * The ledger's database, opened in the background: the broker serves
 * inquiries while the store starts, and keeps serving while it is down.
 * Records wait in the writer's buffer until it answers. Opening means
 * connecting and bringing the schema up to date; it is retried with backoff.
 */
export class LedgerStore implements SqlClient {
  readonly kind: 'postgres' | 'pglite';
  readonly ready: Promise<void>;
  private client: SqlClient | null = null;
  private lastError: Error | null = null;
  private closed = false;
  private attempts = 0;
  private settleFirstAttempt!: () => void;
  private readonly firstAttempt = new Promise<void>((resolve) => (this.settleFirstAttempt = resolve));

  constructor(
    private readonly options: LedgerStoreOptions,
    private readonly create: (options: LedgerStoreOptions) => SqlClient = defaultClient,
  ) {
    this.kind = options.databaseUrl ? 'postgres' : 'pglite';
    if (this.kind === 'pglite') {
      this.copyFrom = async <T>(copySql: string, bytes: Uint8Array, then: readonly CopyFollowUp[]): Promise<T[]> => {
        const client = await this.current();
        if (!client.copyFrom) throw new CopyUnsupportedError();
        return client.copyFrom<T>(copySql, bytes, then);
      };
    }
    this.ready = this.open();
    this.ready.catch(() => undefined);
  }

  get isReady(): boolean {
    return this.client !== null;
  }

  get error(): Error | null {
    return this.lastError;
  }

  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    return (await this.current()).query<T>(sql, params);
  }

  async exec(sql: string): Promise<void> {
    return (await this.current()).exec(sql);
  }

  /** Defined for the embedded store only (see PgliteSqlClient.copyFrom). */
  readonly copyFrom?: <T>(copySql: string, bytes: Uint8Array, then: readonly CopyFollowUp[]) => Promise<T[]>;

  /**
   * A consistent snapshot of the embedded store (see PgliteSqlClient.dumpDataDir). PostgreSQL is backed up by its own
   * tools (pg_basebackup and WAL archiving, deploy/postgres), never through NIX.
   */
  async snapshot(): Promise<Buffer> {
    const client = await this.current();
    if (!(client instanceof PgliteSqlClient)) throw new LedgerStoreUnavailableError('PostgreSQL is backed up with pg_basebackup and WAL archiving (deploy/postgres), not through NIX');
    return client.dumpDataDir();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.close();
    this.client = null;
  }

  private async current(): Promise<SqlClient> {
    if (this.client) return this.client;
    // Only the first attempt to open is waited for; after a failure, callers fail fast and retry.
    await this.firstAttempt;
    if (this.client) return this.client;
    throw new LedgerStoreUnavailableError(this.lastError?.message ?? 'still opening');
  }

  private async open(): Promise<void> {
    while (!this.closed) {
      this.attempts++;
      const client = this.create(this.options);
      try {
        await migrate(client);
        if (this.closed) {
          await client.close();
          this.settleFirstAttempt();
          return;
        }
        this.client = client;
        this.lastError = null;
        this.settleFirstAttempt();
        return;
      } catch (error) {
        this.lastError = error as Error;
        this.settleFirstAttempt();
        await client.close().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 250 * 2 ** Math.min(this.attempts, 6))).unref());
      }
    }
  }
}

function defaultClient(options: LedgerStoreOptions): SqlClient {
  return options.databaseUrl ? new PgSqlClient(options.databaseUrl) : new PgliteSqlClient(embeddedStoreDir(options.dataDir));
}

export function spoolDir(dataDir: string): string {
  return join(dataDir, 'spool');
}
