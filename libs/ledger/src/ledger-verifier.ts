import { verifyChains, type ChainVerification, type StoredCheckpoint, type StoredLink } from '@nix/domain';
import { checkpointSignatureValid } from './chaining-traffic-sink';
import type { SqlClient } from './sql/sql-client';

/** The record's fields as the chain hashed them: instants in epoch ms (microseconds kept), reals widened exactly, sizes as numbers. */
const RECORD_FIELDS_SQL = `
  exchange_id::text AS "exchangeId",
  (extract(epoch FROM received_at) * 1000)::float8 AS "receivedAt",
  (extract(epoch FROM dispatched_at) * 1000)::float8 AS "dispatchedAt",
  (extract(epoch FROM adapter_received_at) * 1000)::float8 AS "adapterReceivedAt",
  (extract(epoch FROM adapter_replied_at) * 1000)::float8 AS "adapterRepliedAt",
  (extract(epoch FROM responded_at) * 1000)::float8 AS "respondedAt",
  consumer, registry, custodian, service, service_version AS "serviceVersion", purpose, agreement,
  tracking_digest AS "trackingDigest", receipt_digest AS "receiptDigest", outcome, http_status AS "httpStatus", problem_type AS "problemType",
  request_bytes::float8 AS "requestBytes", response_bytes::float8 AS "responseBytes",
  broker_ms::float8 AS "brokerMs", transport_ms::float8 AS "transportMs", adapter_ms::float8 AS "adapterMs", registry_ms::float8 AS "registryMs",
  broker_instance AS "brokerInstance", adapter_instance AS "adapterInstance"`;

type Row = Record<string, unknown> & { ledgerSeq: number; ledgerPrev: string | null; ledgerHash: string | null };

/**
 * Reads every chained record (stored and quarantined) and every checkpoint,
 * and walks each instance's chain. Checkpoints count only when signed by one
 * of the trusted public keys. Records without a sequence number stored after
 * the chain was introduced (migration 0008) cannot come from a broker: they
 * are reported as inserted; older ones predate the chain.
 */
export async function verifyLedger(sql: SqlClient, trustedPublicKeys: readonly string[]): Promise<ChainVerification> {
  const rows = await sql.query<Row>(
    `SELECT ${RECORD_FIELDS_SQL}, ledger_seq::float8 AS "ledgerSeq", ledger_prev AS "ledgerPrev", ledger_hash AS "ledgerHash"
     FROM traffic_record WHERE ledger_seq IS NOT NULL`,
  );
  const links: StoredLink[] = rows.map(({ ledgerSeq, ledgerPrev, ledgerHash, ...fields }) => ({
    instance: String(fields.brokerInstance),
    seq: ledgerSeq,
    prev: ledgerPrev ?? '',
    hash: ledgerHash ?? '',
    fields,
  }));
  const quarantined = await sql.query<{ record: Record<string, unknown> }>(
    `SELECT record FROM traffic_quarantine WHERE jsonb_typeof(record -> 'ledgerSeq') = 'number'`,
  );
  for (const { record } of quarantined) {
    const { ledgerSeq, ledgerPrev, ledgerHash, ...fields } = record;
    links.push({ instance: String(fields.brokerInstance), seq: Number(ledgerSeq), prev: String(ledgerPrev ?? ''), hash: String(ledgerHash ?? ''), fields, quarantined: true });
  }
  const checkpointRows = await sql.query<{ instance: string; seq: number; hash: string; publicKey: string; signature: string }>(
    'SELECT broker_instance AS instance, seq::float8 AS seq, hash, public_key AS "publicKey", signature FROM ledger_checkpoint',
  );
  const checkpoints: StoredCheckpoint[] = checkpointRows.map((c) => ({ instance: c.instance, seq: c.seq, hash: c.hash, signatureValid: checkpointSignatureValid(c, trustedPublicKeys) }));
  const unchained = await sql.query<{ instance: string; count: number }>(
    `SELECT broker_instance AS instance, count(*)::int AS count FROM traffic_record
     WHERE ledger_seq IS NULL AND received_at >= (SELECT applied_at FROM nix_migration WHERE id = '0008_ledger_chain')
     GROUP BY 1 ORDER BY 1`,
  );
  return verifyChains(links, checkpoints, unchained);
}

/** The verification as the lines `npm run ledger:verify` prints. */
export function verificationReport(result: ChainVerification): string[] {
  const lines = result.instances.map(
    (i) =>
      `instance ${i.instance}: sequence ${i.first}..${i.last}, ${i.records} stored, ${i.quarantined} quarantined, ${i.checkpoints} checkpoint(s)` +
      (i.first > 1 ? ` (starts after ${i.first - 1}: earlier records dropped by retention, or deleted before the oldest checkpoint kept)` : ''),
  );
  for (const f of result.findings) {
    lines.push(`${f.kind.toUpperCase()} instance ${f.instance} seq ${f.toSeq !== undefined && f.toSeq !== f.seq ? `${f.seq}..${f.toSeq}` : f.seq}: ${f.detail}`);
  }
  lines.push(result.ok ? 'ledger verified: every chain is intact' : `ledger NOT verified: ${result.findings.length} finding(s)`);
  return lines;
}
