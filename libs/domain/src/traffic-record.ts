import { OUTCOMES, type Outcome } from './outcome';

/**
 * Traffic metadata of one exchange: the only thing the broker keeps (R3).
 * It names agencies, services and timings, never the request or answer, and
 * never the person, company, vehicle, address or goods asked about.
 */
export interface TrafficRecord {
  exchangeId: string;
  receivedAt: number;
  dispatchedAt: number | null;
  adapterReceivedAt: number | null;
  adapterRepliedAt: number | null;
  respondedAt: number;
  consumer: string | null;
  registry: string | null;
  custodian: string | null;
  service: string | null;
  serviceVersion: string | null;
  purpose: string | null;
  /** The agreement the exchange was made under, once quota was taken from it. */
  agreement: string | null;
  /** A keyed digest of the consumer's tracking code, never the code itself. */
  trackingDigest: string | null;
  /** SHA-256 of the NIX-Receipt (JWS) the answer carried: the receipt's own digest, never one of content (R3). */
  receiptDigest: string | null;
  outcome: Outcome;
  httpStatus: number;
  problemType: string | null;
  requestBytes: number;
  responseBytes: number;
  brokerMs: number;
  transportMs: number | null;
  adapterMs: number | null;
  registryMs: number | null;
  brokerInstance: string;
  adapterInstance: string | null;
  /** The instance's chain (ledger-chain.ts): set by the broker's chaining sink, absent on records built before it. */
  ledgerSeq?: number;
  ledgerPrev?: string;
  ledgerHash?: string;
}

/** The relay of an inquiry to its adapter, as the broker timed it and the adapter's reply said. */
export interface RelayTiming {
  dispatchedAt: number;
  /** When the reply (or the transport's failure) came back; null while still waiting. */
  repliedAt: number | null;
  adapterReceivedAt: number | null;
  adapterRepliedAt: number | null;
  registryMs: number | null;
  adapterInstance: string | null;
}

/**
 * What the broker learned about an exchange while handling it. Only
 * catalogued, agreed or authenticated values go here, so a caller cannot
 * smuggle an identifier into the ledger through a path or a header (R3).
 */
export interface ExchangeFacts {
  consumer?: string;
  registry?: string;
  custodian?: string;
  service?: string;
  serviceVersion?: string;
  /** The purpose, once an agreement accepted it. */
  purpose?: string;
  /** The agreement, once quota was taken from it. */
  agreement?: string;
  /** Held in memory for the adapter and the echo; digested before recording. */
  trackingCode?: string;
  /** Set once the inquiry was dispatched. */
  relay?: RelayTiming;
}

/** How an exchange ended: set explicitly by whoever answered it, never inferred from the HTTP status. */
export interface ExchangeEnding {
  outcome: Outcome;
  problemType: string | null;
}

/** The ending of an inquiry answered with the registry's data. */
export const ANSWERED: ExchangeEnding = Object.freeze({ outcome: 'ok', problemType: null });

/**
 * An exchange in flight at the HTTP edge: its ID and arrival, the bytes
 * counted as they pass, and how it ended. Requests that never reach the
 * inquiry handler (refused by the edge, 413, 415, malformed JSON) end here
 * with their problem; the handler settles the others with what it learned.
 */
export class ExchangeTrace {
  facts: ExchangeFacts = {};
  outcome: Outcome | null = null;
  problemType: string | null = null;
  /** Body bytes actually read from the caller (never a header's claim). */
  requestBytes = 0;
  /** Body bytes of the answer as it was handed to the socket. */
  responseBytes = 0;
  /** SHA-256 of the NIX-Receipt the answer carried, once it was signed. */
  receiptDigest: string | null = null;
  /** Set once the record is written, so that an exchange is recorded exactly once. */
  recorded = false;

  constructor(
    readonly exchangeId: string,
    readonly receivedAt: number,
  ) {}

  /** The handler's account of the exchange: what it learned, and how it ended. */
  settle(facts: ExchangeFacts, ending: ExchangeEnding): void {
    this.facts = facts;
    this.outcome = ending.outcome;
    this.problemType = ending.problemType;
  }
}

/** Everything a traffic record is built from, once the answer has gone out. */
export interface FinishedExchange extends ExchangeEnding {
  exchangeId: string;
  receivedAt: number;
  facts: ExchangeFacts;
  requestBytes: number;
  respondedAt: number;
  httpStatus: number;
  responseBytes: number;
  brokerInstance: string;
  trackingDigest: string | null;
  receiptDigest: string | null;
}

/**
 * The ranges a traffic record's numbers must lie in to be stored. The
 * builder clamps into them (an exchange is always recorded); the writer
 * quarantines a record from elsewhere (spool, Kafka) that lies outside.
 */
export const RECORD_LIMITS = {
  /** Sizes are whole bytes up to 1 TiB: far above any body NIX accepts, far below what a bigint sum can hold. */
  maxBytes: 2 ** 40,
  /** Durations up to a week, in milliseconds. */
  maxMs: 7 * 24 * 3600 * 1000,
  /** Instants in epoch ms from 1970 to 2200: well inside what timestamptz and the month partitions hold. */
  minTime: 0,
  maxTime: Date.UTC(2200, 0, 1),
  /** Text fields: at most this many characters, and no NUL (PostgreSQL text cannot hold it). */
  maxText: 256,
} as const;

const round = (ms: number) => Math.round(ms * 1000) / 1000;
const clamp = (value: number, max: number) => (Number.isFinite(value) ? Math.min(max, Math.max(0, value)) : 0);
/** A size: whole bytes in [0, maxBytes]; anything not a number counts as 0. */
const bytes = (value: number) => Math.round(clamp(value, RECORD_LIMITS.maxBytes));
const duration = (ms: number) => round(clamp(ms, RECORD_LIMITS.maxMs));
/** An instant from another clock (the adapter's) that is not a plausible time is dropped. */
const instant = (value: number | null) => (value !== null && isInstant(value) ? value : null);
const isInstant = (value: unknown): value is number => typeof value === 'number' && value >= RECORD_LIMITS.minTime && value <= RECORD_LIMITS.maxTime;
const status = (value: number) => (Number.isInteger(value) && value >= 100 && value <= 599 ? value : 500);

/**
 * The traffic record of an exchange. Every number is range-checked here:
 * sizes and durations are clamped into RECORD_LIMITS, an impossible HTTP
 * status is recorded as 500, an implausible adapter timestamp as null, and
 * the answer is never before the request.
 */
export function trafficRecordOf(exchange: FinishedExchange): TrafficRecord {
  const { facts } = exchange;
  const relay = facts.relay ?? null;
  const respondedAt = Math.max(exchange.respondedAt, exchange.receivedAt);
  const total = respondedAt - exchange.receivedAt;
  let transportMs: number | null = null;
  let adapterMs: number | null = null;
  let brokerMs = total;
  if (relay) {
    const waitedUntil = relay.repliedAt ?? respondedAt;
    const roundTrip = Math.max(0, waitedUntil - relay.dispatchedAt);
    brokerMs = total - roundTrip;
    if (relay.adapterReceivedAt !== null && relay.adapterRepliedAt !== null) {
      const adapterSpan = Math.max(0, relay.adapterRepliedAt - relay.adapterReceivedAt);
      transportMs = Math.max(0, roundTrip - adapterSpan);
      adapterMs = Math.max(0, adapterSpan - (relay.registryMs ?? 0));
    } else {
      transportMs = roundTrip;
    }
  }
  return {
    exchangeId: exchange.exchangeId,
    receivedAt: exchange.receivedAt,
    dispatchedAt: instant(relay?.dispatchedAt ?? null),
    adapterReceivedAt: instant(relay?.adapterReceivedAt ?? null),
    adapterRepliedAt: instant(relay?.adapterRepliedAt ?? null),
    respondedAt,
    consumer: facts.consumer ?? null,
    registry: facts.registry ?? null,
    custodian: facts.custodian ?? null,
    service: facts.service ?? null,
    serviceVersion: facts.serviceVersion ?? null,
    purpose: facts.purpose ?? null,
    agreement: facts.agreement ?? null,
    trackingDigest: exchange.trackingDigest,
    receiptDigest: exchange.receiptDigest,
    outcome: exchange.outcome,
    httpStatus: status(exchange.httpStatus),
    problemType: exchange.problemType,
    requestBytes: bytes(exchange.requestBytes),
    responseBytes: bytes(exchange.responseBytes),
    brokerMs: duration(brokerMs),
    transportMs: transportMs === null ? null : duration(transportMs),
    adapterMs: adapterMs === null ? null : duration(adapterMs),
    registryMs: relay?.registryMs == null ? null : duration(relay.registryMs),
    brokerInstance: exchange.brokerInstance,
    adapterInstance: relay?.adapterInstance ?? null,
    // Set by the broker's chaining sink; present from the start so that setting them stays cheap (one object shape).
    ledgerSeq: undefined,
    ledgerPrev: undefined,
    ledgerHash: undefined,
  };
}

/** The fields of a traffic record, in the order the ledger stores them. */
export const TRAFFIC_RECORD_FIELDS = [
  'exchangeId', 'receivedAt', 'dispatchedAt', 'adapterReceivedAt', 'adapterRepliedAt', 'respondedAt', 'consumer', 'registry', 'custodian',
  'service', 'serviceVersion', 'purpose', 'agreement', 'trackingDigest', 'receiptDigest', 'outcome', 'httpStatus', 'problemType', 'requestBytes', 'responseBytes',
  'brokerMs', 'transportMs', 'adapterMs', 'registryMs', 'brokerInstance', 'adapterInstance',
] as const satisfies readonly (keyof TrafficRecord)[];

/** The chain's fields, kept with a quarantined record so that its sequence stays accounted for. */
export const CHAIN_FIELDS = ['ledgerSeq', 'ledgerPrev', 'ledgerHash'] as const satisfies readonly (keyof TrafficRecord)[];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TEXT_FIELDS = ['consumer', 'registry', 'custodian', 'service', 'serviceVersion', 'purpose', 'agreement', 'trackingDigest', 'problemType', 'adapterInstance'] as const;
const OUTCOME_SET: ReadonlySet<string> = new Set(OUTCOMES);

function textProblem(value: unknown, nullable: boolean): string | null {
  if (value === null && nullable) return null;
  if (typeof value !== 'string') return nullable ? 'is not a string or null' : 'is not a string';
  if (value.length > RECORD_LIMITS.maxText) return `is longer than ${RECORD_LIMITS.maxText} characters`;
  if (value.includes('\u0000')) return 'holds a NUL character';
  return null;
}

const RECEIPT_DIGEST = /^[A-Za-z0-9_-]{43}$/;
/** A receipt digest is a base64url SHA-256 or null: nothing else can be stored in its column. */
function receiptDigestProblem(value: unknown): string | null {
  if (value === null) return null;
  return typeof value === 'string' && RECEIPT_DIGEST.test(value) ? null : 'is not a base64url SHA-256 or null';
}

function numberProblem(value: unknown, min: number, max: number, nullable: boolean, integer = false): string | null {
  if (value === null && nullable) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) return nullable ? 'is not a number or null' : 'is not a number';
  if (integer && !Number.isInteger(value)) return 'is not a whole number';
  if (value < min || value > max) return `is outside ${min}..${max}`;
  return null;
}

/**
 * Why a value cannot be stored as a traffic record, or null if it can: the
 * writer's check on whatever it did not build itself (spool files, Kafka
 * messages), so that one bad record is set aside instead of failing its batch.
 */
export function trafficRecordProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not an object';
  const r = value as Record<string, unknown>;
  const problems: [string, string | null][] = [
    ['exchangeId', typeof r.exchangeId === 'string' && UUID.test(r.exchangeId) ? null : 'is not a UUID'],
    ['receivedAt', numberProblem(r.receivedAt, RECORD_LIMITS.minTime, RECORD_LIMITS.maxTime, false)],
    ['respondedAt', numberProblem(r.respondedAt, RECORD_LIMITS.minTime, RECORD_LIMITS.maxTime, false)],
    ...(['dispatchedAt', 'adapterReceivedAt', 'adapterRepliedAt'] as const).map((k): [string, string | null] => [k, numberProblem(r[k], RECORD_LIMITS.minTime, RECORD_LIMITS.maxTime, true)]),
    ...TEXT_FIELDS.map((k): [string, string | null] => [k, textProblem(r[k], true)]),
    // Records written before receipts (spooled, or on Kafka) have none.
    ['receiptDigest', r.receiptDigest === undefined ? null : receiptDigestProblem(r.receiptDigest)],
    ['brokerInstance', textProblem(r.brokerInstance, false) ?? (r.brokerInstance === '' ? 'is empty' : null)],
    ['outcome', typeof r.outcome === 'string' && OUTCOME_SET.has(r.outcome) ? null : 'is not a known outcome'],
    ['httpStatus', numberProblem(r.httpStatus, 100, 599, false, true)],
    ['requestBytes', numberProblem(r.requestBytes, 0, RECORD_LIMITS.maxBytes, false, true)],
    ['responseBytes', numberProblem(r.responseBytes, 0, RECORD_LIMITS.maxBytes, false, true)],
    ['brokerMs', numberProblem(r.brokerMs, 0, RECORD_LIMITS.maxMs, false)],
    ...(['transportMs', 'adapterMs', 'registryMs'] as const).map((k): [string, string | null] => [k, numberProblem(r[k], 0, RECORD_LIMITS.maxMs, true)]),
  ];
  const HASH = /^[0-9a-f]{64}$/;
  const chained = r.ledgerSeq !== undefined || r.ledgerPrev !== undefined || r.ledgerHash !== undefined;
  if (chained) {
    problems.push(['ledgerSeq', numberProblem(r.ledgerSeq, 1, Number.MAX_SAFE_INTEGER, false, true)]);
    problems.push(['ledgerPrev', typeof r.ledgerPrev === 'string' && HASH.test(r.ledgerPrev) ? null : 'is not a SHA-256 hex digest']);
    problems.push(['ledgerHash', typeof r.ledgerHash === 'string' && HASH.test(r.ledgerHash) ? null : 'is not a SHA-256 hex digest']);
  }
  if (problems[1][1] === null && problems[2][1] === null && (r.respondedAt as number) < (r.receivedAt as number)) problems.push(['respondedAt', 'is before receivedAt']);
  const found = problems.filter(([, problem]) => problem !== null).map(([field, problem]) => `${field} ${problem}`);
  return found.length > 0 ? found.join('; ') : null;
}

/** Only the known fields of a would-be record, so that nothing else of a bad one is kept (R3). */
export function trafficRecordFields(value: unknown): Record<string, unknown> | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const r = value as Record<string, unknown>;
  return Object.fromEntries([...TRAFFIC_RECORD_FIELDS, ...CHAIN_FIELDS].filter((k) => k in r).map((k) => [k, r[k]]));
}
