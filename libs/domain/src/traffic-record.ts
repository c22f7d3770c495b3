import type { Outcome } from './outcome';

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
}

/**
 * What the broker learns about an exchange while it handles it. Only
 * catalogued, agreed or authenticated values are written here, so a caller
 * cannot smuggle an identifier into the ledger through a path or a header.
 */
export class ExchangeTrace {
  consumer: string | null = null;
  registry: string | null = null;
  custodian: string | null = null;
  service: string | null = null;
  serviceVersion: string | null = null;
  purpose: string | null = null;
  agreement: string | null = null;
  /** Held in memory for the adapter and the echo; digested before recording. */
  trackingCode: string | null = null;
  dispatchedAt: number | null = null;
  repliedAt: number | null = null;
  adapterReceivedAt: number | null = null;
  adapterRepliedAt: number | null = null;
  registryMs: number | null = null;
  adapterInstance: string | null = null;
  outcome: Outcome | null = null;
  problemType: string | null = null;
  requestBytes = 0;
  /** Set once the record is written, so that an exchange is recorded exactly once. */
  recorded = false;

  constructor(
    readonly exchangeId: string,
    readonly receivedAt: number,
  ) {}
}

export interface ExchangeEnd {
  respondedAt: number;
  httpStatus: number;
  responseBytes: number;
  brokerInstance: string;
  trackingDigest: string | null;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export function trafficRecordOf(trace: ExchangeTrace, end: ExchangeEnd): TrafficRecord {
  const total = end.respondedAt - trace.receivedAt;
  let transportMs: number | null = null;
  let adapterMs: number | null = null;
  let brokerMs = total;
  if (trace.dispatchedAt !== null) {
    const waitedUntil = trace.repliedAt ?? end.respondedAt;
    const roundTrip = Math.max(0, waitedUntil - trace.dispatchedAt);
    brokerMs = total - roundTrip;
    if (trace.adapterReceivedAt !== null && trace.adapterRepliedAt !== null) {
      const adapterSpan = Math.max(0, trace.adapterRepliedAt - trace.adapterReceivedAt);
      transportMs = Math.max(0, roundTrip - adapterSpan);
      adapterMs = Math.max(0, adapterSpan - (trace.registryMs ?? 0));
    } else {
      transportMs = roundTrip;
    }
  }
  return {
    exchangeId: trace.exchangeId,
    receivedAt: trace.receivedAt,
    dispatchedAt: trace.dispatchedAt,
    adapterReceivedAt: trace.adapterReceivedAt,
    adapterRepliedAt: trace.adapterRepliedAt,
    respondedAt: end.respondedAt,
    consumer: trace.consumer,
    registry: trace.registry,
    custodian: trace.custodian,
    service: trace.service,
    serviceVersion: trace.serviceVersion,
    purpose: trace.purpose,
    agreement: trace.agreement,
    trackingDigest: end.trackingDigest,
    outcome: trace.outcome ?? (end.httpStatus < 400 ? 'ok' : 'broker-error'),
    httpStatus: end.httpStatus,
    problemType: trace.problemType,
    requestBytes: trace.requestBytes,
    responseBytes: end.responseBytes,
    brokerMs: round(Math.max(0, brokerMs)),
    transportMs: transportMs === null ? null : round(transportMs),
    adapterMs: adapterMs === null ? null : round(adapterMs),
    registryMs: trace.registryMs === null ? null : round(trace.registryMs),
    brokerInstance: end.brokerInstance,
    adapterInstance: trace.adapterInstance,
  };
}
