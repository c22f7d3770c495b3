import { ProblemError, type TrafficRecord } from '@nix/domain';
import { isWorkingGroup, type GovernanceActor } from '@nix/governance';

/** One exchange as the ledger stores it (traffic_record), with its instants in epoch milliseconds. */
export type StoredExchange = Pick<
  TrafficRecord,
  'exchangeId' | 'receivedAt' | 'dispatchedAt' | 'adapterReceivedAt' | 'adapterRepliedAt' | 'respondedAt' | 'consumer' | 'registry' | 'custodian' | 'service' | 'serviceVersion' | 'purpose' | 'agreement' | 'receiptDigest' | 'outcome' | 'httpStatus' | 'problemType' | 'brokerMs' | 'transportMs' | 'adapterMs' | 'registryMs'
> & { totalMs: number };

/** The steps an exchange passes through, in order, named as GET /v1/exchanges shows them. */
export const EXCHANGE_STEPS = ['received', 'dispatched', 'adapter-received', 'adapter-replied', 'responded'] as const;
export type ExchangeStep = (typeof EXCHANGE_STEPS)[number];

/** What GET /v1/exchanges shows of one exchange: metadata only, as the ledger holds it (R3, R9). */
export interface ExchangeView {
  exchangeId: string;
  consumer: string | null;
  custodian: string | null;
  registry: string | null;
  service: string | null;
  serviceVersion: string | null;
  purpose: string | null;
  agreement: string | null;
  outcome: string;
  status: number;
  problemType: string | null;
  /** SHA-256 (base64url) of the NIX-Receipt the answer carried: the consumer's kept receipt hashes to it. */
  receiptDigest: string | null;
  /** The steps that happened, in order. The adapter's two are by the adapter host's clock. */
  steps: { step: ExchangeStep; at: string }[];
  durations: { totalMs: number; brokerMs: number; transportMs: number | null; adapterMs: number | null; registryMs: number | null };
}

/**
 * Who may see an exchange: its parties (the consumer that asked, the custodian of the registry asked) and the
 * working group. Anyone else is told it does not exist, so that its existence does not leak.
 */
export function maySee(actor: GovernanceActor, exchange: Pick<StoredExchange, 'consumer' | 'custodian'>): boolean {
  return isWorkingGroup(actor) || exchange.consumer === actor.agencyId || exchange.custodian === actor.agencyId;
}

export function exchangeViewOf(exchange: StoredExchange): ExchangeView {
  const instants: [ExchangeStep, number | null][] = [
    ['received', exchange.receivedAt],
    ['dispatched', exchange.dispatchedAt],
    ['adapter-received', exchange.adapterReceivedAt],
    ['adapter-replied', exchange.adapterRepliedAt],
    ['responded', exchange.respondedAt],
  ];
  return {
    exchangeId: exchange.exchangeId,
    consumer: exchange.consumer,
    custodian: exchange.custodian,
    registry: exchange.registry,
    service: exchange.service,
    serviceVersion: exchange.serviceVersion,
    purpose: exchange.purpose,
    agreement: exchange.agreement,
    outcome: exchange.outcome,
    status: exchange.httpStatus,
    problemType: exchange.problemType,
    receiptDigest: exchange.receiptDigest,
    steps: instants.filter((s): s is [ExchangeStep, number] => s[1] !== null).map(([step, at]) => ({ step, at: new Date(at).toISOString() })),
    durations: {
      totalMs: exchange.totalMs,
      brokerMs: exchange.brokerMs,
      transportMs: exchange.transportMs,
      adapterMs: exchange.adapterMs,
      registryMs: exchange.registryMs,
    },
  };
}

const TRACKING_CODE = /^[\x21-\x7E]{1,64}$/;

/** The tracking code of the query, as a consumer sends it in X-Tracking-Code, or a 400 naming it. */
export function trackingCodeOf(value: unknown): string {
  if (typeof value !== 'string' || !TRACKING_CODE.test(value)) {
    throw new ProblemError('invalid-request', 'Give the tracking code the consumer sent in X-Tracking-Code: 1 to 64 visible ASCII characters.', {
      errors: [{ pointer: 'query:trackingCode', detail: value === undefined ? 'is required' : 'is not 1 to 64 visible ASCII characters' }],
    });
  }
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The exchange ID of the path, lowercased, or a 400 naming it. */
export function exchangeIdOf(value: string): string {
  if (!UUID.test(value)) {
    throw new ProblemError('invalid-request', 'The exchange ID must be a UUID, as the X-Exchange-Id header of the answer gave it.', {
      errors: [{ pointer: 'path:exchangeId', detail: 'is not a UUID' }],
    });
  }
  return value.toLowerCase();
}

/** A record may reach the ledger this long after its answer (the writer's batches, Kafka, the recorder's batches). */
export const RECORDING_GRACE_MS = 60_000;

/**
 * The 404 for an exchange the caller may not see, or that the ledger does not hold. The same for both, so that its
 * existence does not leak; a UUIDv7 ID of the last minute adds that its record may not be stored yet (from the ID
 * alone, which the caller gave, so this says nothing of the ledger either).
 */
export function exchangeNotFound(exchangeId: string, now: number): ProblemError {
  const recent = uuidV7Time(exchangeId);
  const fresh = recent !== null && recent <= now + 5_000 && now - recent < RECORDING_GRACE_MS;
  return new ProblemError(
    'exchange-not-found',
    fresh
      ? `No exchange ${exchangeId} is recorded that this agency is a party to. It began moments ago: its record may not be stored yet, so try again shortly.`
      : `No exchange ${exchangeId} is recorded that this agency is a party to.`,
    fresh ? { retryAfterSeconds: 2 } : {},
  );
}

/** The instant a UUIDv7 was made (its first 48 bits), or null for another version. */
export function uuidV7Time(id: string): number | null {
  if (!UUID.test(id) || id[14] !== '7') return null;
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
