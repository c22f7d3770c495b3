import { Inject, Injectable } from '@nestjs/common';
import { ProblemError } from '@nix/domain';
import { isStoreUnavailable, type SqlClient } from '@nix/ledger';
import { LEDGER_STORE } from '@nix/platform';
import type { StoredExchange } from './exchange-view';

const ms = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;

const SELECT = `
SELECT exchange_id::text AS "exchangeId", ${ms('received_at')} AS "receivedAt", ${ms('dispatched_at')} AS "dispatchedAt",
  ${ms('adapter_received_at')} AS "adapterReceivedAt", ${ms('adapter_replied_at')} AS "adapterRepliedAt", ${ms('responded_at')} AS "respondedAt",
  consumer, registry, custodian, service, service_version AS "serviceVersion", purpose, agreement, receipt_digest AS "receiptDigest",
  outcome, http_status::int AS "httpStatus", problem_type AS "problemType", total_ms::float8 AS "totalMs", broker_ms::float8 AS "brokerMs",
  transport_ms::float8 AS "transportMs", adapter_ms::float8 AS "adapterMs", registry_ms::float8 AS "registryMs"
FROM traffic_record`;

/** At most this many exchanges answer one tracking code (a consumer reuses a code for one case's steps). */
export const TRACKED_EXCHANGES_LIMIT = 100;

/** Reads exchanges from the traffic ledger, by ID (its primary key) or by tracking digest (its index, migration 0001). */
@Injectable()
export class ExchangesRepository {
  constructor(@Inject(LEDGER_STORE) private readonly sql: SqlClient) {}

  async byId(exchangeId: string): Promise<StoredExchange | null> {
    const rows = await this.query(`${SELECT} WHERE exchange_id = $1::uuid LIMIT 1`, [exchangeId]);
    return rows[0] ?? null;
  }

  /** The exchanges recorded with any of these tracking digests, that these parties may see (null: every party), newest first. */
  async byTrackingDigests(digests: readonly string[], party: string | null): Promise<StoredExchange[]> {
    if (digests.length === 0) return [];
    const visible = party === null ? '' : ' AND (consumer = $2 OR custodian = $2)';
    return this.query(`${SELECT} WHERE tracking_digest = ANY($1::text[])${visible} ORDER BY received_at DESC LIMIT ${TRACKED_EXCHANGES_LIMIT}`, party === null ? [digests] : [digests, party]);
  }

  private async query(text: string, params: unknown[]): Promise<StoredExchange[]> {
    try {
      return await this.sql.query<StoredExchange>(text, params);
    } catch (error) {
      if (isStoreUnavailable(error)) throw new ProblemError('ledger-unavailable', 'The traffic ledger cannot be read now; try again shortly.', { retryAfterSeconds: 5 });
      throw error;
    }
  }
}
