import type { SqlClient } from '@nix/ledger';
import type { QuotaCounter } from './quota-leases';

/** The quota counter in the store (migration 0004): one row per agreement and day, updated under its row lock. */
export class SqlQuotaCounter implements QuotaCounter {
  constructor(private readonly sql: SqlClient) {}

  async lease(agreementId: string, day: string, want: number, limit: number): Promise<{ granted: number; total: number }> {
    const rows = await this.sql.query<{ granted: string | number; last_grant: string | number }>(
      `INSERT INTO governance_quota_lease AS q (agreement_id, day, granted, last_grant)
       VALUES ($1, $2::date, LEAST($3::bigint, $4::bigint), LEAST($3::bigint, $4::bigint))
       ON CONFLICT (agreement_id, day) DO UPDATE
         SET granted = q.granted + LEAST($3::bigint, GREATEST(0, $4::bigint - q.granted)),
             last_grant = LEAST($3::bigint, GREATEST(0, $4::bigint - q.granted))
       RETURNING granted, last_grant`,
      [agreementId, day, want, limit],
    );
    return { granted: Number(rows[0].last_grant), total: Number(rows[0].granted) };
  }

  async settle(agreementId: string, day: string, used: number): Promise<void> {
    await this.sql.query(
      `INSERT INTO governance_quota_lease AS q (agreement_id, day, granted, last_grant) VALUES ($1, $2::date, $3::bigint, $3::bigint)
       ON CONFLICT (agreement_id, day) DO UPDATE SET granted = q.granted + $3::bigint, last_grant = $3::bigint`,
      [agreementId, day, used],
    );
  }

  async release(agreementId: string, day: string, unused: number): Promise<void> {
    await this.sql.query('UPDATE governance_quota_lease SET granted = GREATEST(0, granted - $3::bigint) WHERE agreement_id = $1 AND day = $2::date', [agreementId, day, unused]);
  }

  async prune(before: string): Promise<void> {
    await this.sql.query('DELETE FROM governance_quota_lease WHERE day < $1::date', [before]);
  }

  /** What the cluster has granted of an agreement's day (reports, tests). */
  async granted(agreementId: string, day: string): Promise<number> {
    const rows = await this.sql.query<{ granted: string | number }>('SELECT granted FROM governance_quota_lease WHERE agreement_id = $1 AND day = $2::date', [agreementId, day]);
    return rows.length === 0 ? 0 : Number(rows[0].granted);
  }
}
