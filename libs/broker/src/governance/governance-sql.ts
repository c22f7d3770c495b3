import { ProblemError } from '@nix/domain';
import { LedgerStoreUnavailableError, type SqlClient } from '@nix/ledger';

/** The store is not open, or its connection failed: the caller should come back shortly, not see a 500. */
export function isStoreUnavailable(error: unknown): boolean {
  return error instanceof LedgerStoreUnavailableError || /^(ECONN|ETIMEDOUT|57P0|08)/.test(String((error as { code?: string }).code ?? ''));
}

/** The governance repository's view of the store: an unreachable store is a fast 503 with Retry-After. */
export class GovernanceSql implements SqlClient {
  constructor(private readonly store: SqlClient) {}

  get kind() {
    return this.store.kind;
  }

  async query<T>(sql: string, params?: unknown[]): Promise<T[]> {
    try {
      return await this.store.query<T>(sql, params);
    } catch (error) {
      if (isStoreUnavailable(error)) throw new ProblemError('governance-unavailable', 'The governance store cannot be reached now; try again shortly.', { retryAfterSeconds: 5 });
      throw error;
    }
  }

  exec(sql: string): Promise<void> {
    return this.store.exec(sql);
  }

  /** The store belongs to the ledger module, which closes it. */
  async close(): Promise<void> {}
}
