import type { Outcome } from './outcome';

/**
 * The problem types the broker answers with (RFC 9457). Each is documented at
 * its type URI, which the broker serves, so that a consumer's developer can
 * look up any error they meet.
 */
export const PROBLEM_TYPES = {
  'invalid-request': { status: 400, outcome: 'invalid', title: 'The request is not valid' },
  'malformed-json': { status: 400, outcome: 'invalid', title: 'The body is not well-formed JSON' },
  'purpose-required': { status: 400, outcome: 'invalid', title: 'The X-Purpose header is required' },
  unauthenticated: { status: 401, outcome: 'unauthenticated', title: 'The agency could not be identified' },
  'certificate-mismatch': { status: 401, outcome: 'unauthenticated', title: "The client certificate is not the one the API key is bound to" },
  'certificate-required': { status: 401, outcome: 'unauthenticated', title: 'A bearer key alone is not accepted here: the key must be bound to a client certificate' },
  'no-agreement': { status: 403, outcome: 'denied', title: 'No agreement allows this inquiry' },
  'agreement-not-in-force': { status: 403, outcome: 'denied', title: 'The agreement is not in force today' },
  'purpose-not-agreed': { status: 403, outcome: 'denied', title: 'The purpose is not one the agreement allows' },
  'role-required': { status: 403, outcome: 'denied', title: 'The agency does not hold the role this needs' },
  'relay-forbidden': { status: 403, outcome: 'denied', title: 'An agency may not relay inquiries for another' },
  'network-not-allowed': { status: 403, outcome: 'denied', title: "The call does not come from the agency's registered network" },
  'unknown-service': { status: 404, outcome: 'invalid', title: 'No such registry service' },
  'record-not-found': { status: 404, outcome: 'not-found', title: 'The registry holds no such record' },
  'payload-too-large': { status: 413, outcome: 'invalid', title: 'The body is larger than the broker accepts' },
  'unsupported-media-type': { status: 415, outcome: 'invalid', title: 'The body must be application/json' },
  'request-timeout': { status: 408, outcome: 'invalid', title: 'The request did not arrive in time' },
  'uri-too-long': { status: 414, outcome: 'invalid', title: 'The URL is longer than the broker accepts' },
  'headers-too-large': { status: 431, outcome: 'invalid', title: 'The request headers are larger than the broker accepts' },
  'quota-exceeded': { status: 429, outcome: 'over-quota', title: "The agreement's daily quota is used up" },
  'provider-error': { status: 503, outcome: 'provider-error', title: 'The registry failed to answer' },
  'registry-unavailable': { status: 503, outcome: 'unavailable', title: 'The registry cannot be reached now' },
  'no-adapter': { status: 503, outcome: 'unavailable', title: "No adapter is serving the registry's inquiries now" },
  'deadline-exceeded': { status: 504, outcome: 'timeout', title: 'The registry did not answer in time' },
  'not-found': { status: 404, outcome: 'invalid', title: 'No such resource' },
  'method-not-allowed': { status: 405, outcome: 'invalid', title: 'The method is not allowed here' },
  // Governance calls are not inquiries: their outcome only keeps the table's shape (as for the report problems).
  'not-permitted': { status: 403, outcome: 'denied', title: 'The agency has no say in this governance step' },
  'governance-not-found': { status: 404, outcome: 'invalid', title: 'No such agency, key, agreement, request or dispute' },
  'illegal-transition': { status: 409, outcome: 'invalid', title: 'The change is not allowed in the current state' },
  'governance-unavailable': { status: 503, outcome: 'unavailable', title: 'The governance state (keys, agreements, quotas) cannot be read now' },
  // The catalogue (issue 12): versions side by side, deprecation and maintenance windows.
  'unknown-version': { status: 404, outcome: 'invalid', title: 'The service has no published version that matches X-Service-Version' },
  'version-not-agreed': { status: 403, outcome: 'denied', title: "No agreement covers the service version's major version" },
  'service-retired': { status: 410, outcome: 'invalid', title: 'The service version is past its sunset date' },
  maintenance: { status: 503, outcome: 'unavailable', title: 'The service is in an announced maintenance window' },
  'version-published': { status: 409, outcome: 'invalid', title: 'The service version is already published, and published versions never change' },
  'invalid-period': { status: 400, outcome: 'invalid', title: 'The report period is not valid' },
  'report-out-of-scope': { status: 403, outcome: 'denied', title: 'The report asks for traffic the agency may not see' },
  'ledger-unavailable': { status: 503, outcome: 'unavailable', title: 'The traffic ledger cannot be read now' },
  // Tracking (R9): the same 404 whether the exchange is unknown or another agency's, so that its existence does not leak.
  'exchange-not-found': { status: 404, outcome: 'invalid', title: 'No recorded exchange with this ID that the agency is a party to' },
  'pdf-unavailable': { status: 503, outcome: 'unavailable', title: 'No browser is installed to print the report as PDF' },
  'status-unavailable': { status: 503, outcome: 'unavailable', title: "The services' status cannot be read now" },
  // Operations calls on the metrics listener (POST /ops/backup), never on the API port.
  'ops-forbidden': { status: 403, outcome: 'denied', title: 'Operations calls come from this machine, or carry the operations token (NIX_OPS_TOKEN)' },
  'backup-not-embedded': { status: 409, outcome: 'invalid', title: 'The ledger is in PostgreSQL, which is backed up with pg_basebackup and WAL archiving, not through NIX' },
  // Identity-change notifications (issue 14).
  'unknown-event-type': { status: 404, outcome: 'invalid', title: 'No such event type is catalogued' },
  'notifications-unavailable': { status: 503, outcome: 'unavailable', title: 'Notifications cannot be served now' },
  overloaded: { status: 503, outcome: 'unavailable', title: 'This broker instance is answering as many inquiries as it can; try again shortly' },
  'shutting-down': { status: 503, outcome: 'unavailable', title: 'This broker instance is shutting down' },
  'internal-error': { status: 500, outcome: 'broker-error', title: 'The broker failed unexpectedly' },
} as const satisfies Record<string, { status: number; outcome: Outcome; title: string }>;

export type ProblemType = keyof typeof PROBLEM_TYPES;

export const PROBLEM_BASE = '/problems/';

/** One field at fault, named by a JSON pointer into the body (or a header name). */
export interface FieldError {
  pointer: string;
  detail: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  exchangeId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/**
 * A failure that ends an exchange with a problem answer. Thrown by domain and
 * edge code alike; the HTTP edge turns it into application/problem+json.
 */
export class ProblemError extends Error {
  readonly status: number;
  readonly outcome: Outcome;

  constructor(
    readonly problemType: ProblemType,
    readonly detail: string,
    readonly extras: { errors?: FieldError[]; retryAfterSeconds?: number; [key: string]: unknown } = {},
  ) {
    super(detail);
    this.name = 'ProblemError';
    this.status = PROBLEM_TYPES[problemType].status;
    this.outcome = PROBLEM_TYPES[problemType].outcome;
  }

  toDetails(exchangeId?: string): ProblemDetails {
    const { retryAfterSeconds, ...extensions } = this.extras;
    return {
      type: PROBLEM_BASE + this.problemType,
      title: PROBLEM_TYPES[this.problemType].title,
      status: this.status,
      detail: this.detail,
      ...(exchangeId ? { exchangeId } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfter: retryAfterSeconds } : {}),
      ...extensions,
    };
  }
}
