/** How an exchange ended, as the traffic ledger and the reports count it. */
export const OUTCOMES = [
  'ok',
  'not-found',
  'invalid',
  'unauthenticated',
  'denied',
  'over-quota',
  'timeout',
  'provider-error',
  'unavailable',
  'broker-error',
] as const;

export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes that count against a provider's service level: the registry side failed. */
export const PROVIDER_FAILURES: ReadonlySet<Outcome> = new Set(['timeout', 'provider-error', 'unavailable']);
