/**
 * A provider adapter: turns a registry service's inquiry into calls on the
 * registry's backend and builds the catalogued answer. Adapters are plain
 * classes; the adapter host carries them over whichever transport runs.
 *
 * An adapter returns only the answer. Every other outcome is a thrown error:
 * RecordNotFoundError or InquiryRejectedError from the adapter, the backend's
 * own failures (RegistryHttpError, RegistryAnswerError, an open breaker), and
 * DeadlinePassedError from the host. The host maps them to the reply status.
 */
export interface RegistryAdapter {
  readonly registry: string;
  readonly services: readonly string[];
  /** `version` is the published version the broker chose; adapters serving one version of each service ignore it. */
  answer(service: string, body: Record<string, unknown>, call: RegistryCall, version?: string): Promise<Record<string, unknown>>;
  /** Whether it serves this version of the service (adapters of published bindings); absent: every version. */
  serves?(service: string, version: string): boolean;
}

/**
 * How an adapter reaches its registry backend: the host times each call,
 * bounds it by the inquiry's deadline and guards it with a circuit breaker.
 */
export type RegistryCall = <T>(operation: (request: BackendRequest) => Promise<T>) => Promise<T>;

/**
 * What each call to a registry backend carries besides the inquiry's own fields: the signal that ends it at the
 * deadline, and the exchange it belongs to, which the registry's API receives as headers so that every step of an
 * exchange can be followed (R9).
 */
export interface BackendRequest {
  signal: AbortSignal;
  exchangeId: string;
  /** The consumer's tracking code, when it sent one. */
  trackingCode?: string;
}

/** The headers that carry the exchange to the registry's API. */
export const EXCHANGE_ID_HEADER = 'x-nix-exchange-id';
export const TRACKING_CODE_HEADER = 'x-nix-tracking-code';

/** The exchange headers of one backend request (the tracking code only when the consumer sent one). */
export function exchangeHeaders(request: BackendRequest): Record<string, string> {
  return request.trackingCode ? { [EXCHANGE_ID_HEADER]: request.exchangeId, [TRACKING_CODE_HEADER]: request.trackingCode } : { [EXCHANGE_ID_HEADER]: request.exchangeId };
}

/** The registry holds no record that matches the inquiry (reply status not-found). */
export class RecordNotFoundError extends Error {
  constructor() {
    super('the registry holds no matching record');
    this.name = 'RecordNotFoundError';
  }
}

/** The registry refuses the inquiry as asked (reply status rejected); the reason is shown to the consumer, so it never carries data. */
export class InquiryRejectedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InquiryRejectedError';
  }
}

/** The registry backend could not answer within the inquiry's deadline: nobody waits for the reply. */
export class DeadlinePassedError extends Error {
  constructor() {
    super('the inquiry deadline passed before the registry answered');
    this.name = 'DeadlinePassedError';
  }
}
