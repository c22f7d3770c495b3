import { OUTCOMES, PROVIDER_FAILURES, type Outcome } from '@nix/domain';
import { percentile } from './latency';

/**
 * How the reports judge an exchange by its outcome:
 * - answered: the registry gave an answer, a record or "no such record" (ok, not-found);
 * - refused: the broker turned the caller away before the registry was asked (invalid, unauthenticated, denied, over-quota);
 * - provider-failure: the registry side failed (PROVIDER_FAILURES: timeout, provider-error, unavailable);
 * - broker-error: the broker itself failed.
 */
export type OutcomeClass = 'answered' | 'refused' | 'provider-failure' | 'broker-error';

export const ANSWERED_OUTCOMES: ReadonlySet<Outcome> = new Set(['ok', 'not-found']);
export const REFUSED_OUTCOMES: ReadonlySet<Outcome> = new Set(['invalid', 'unauthenticated', 'denied', 'over-quota']);
/** The refusals the working group reviews per agency and reason. */
export const REVIEWED_REFUSALS: readonly Outcome[] = ['denied', 'over-quota'];

export function outcomeClass(outcome: Outcome): OutcomeClass {
  if (ANSWERED_OUTCOMES.has(outcome)) return 'answered';
  if (REFUSED_OUTCOMES.has(outcome)) return 'refused';
  if (PROVIDER_FAILURES.has(outcome)) return 'provider-failure';
  return 'broker-error';
}

export function outcomesOf(kind: OutcomeClass): Outcome[] {
  return OUTCOMES.filter((o) => outcomeClass(o) === kind);
}

export interface OutcomeCounts {
  answered: number;
  refused: number;
  providerFailures: number;
  brokerErrors: number;
}

export interface ServiceLevel {
  /**
   * Share of the inquiries relayed to the registry that it answered:
   * answered / (answered + provider failures). The provider's own figure.
   */
  availability: number | null;
  /**
   * Share of the inquiries the broker accepted that failed, whoever failed:
   * (provider failures + broker errors) / (answered + provider failures + broker errors).
   * Refusals are the caller's doing and count in neither figure.
   */
  errorRate: number | null;
}

const ratio = (part: number, whole: number) => (whole > 0 ? round(part / whole, 6) : null);

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function serviceLevelOf(counts: OutcomeCounts): ServiceLevel {
  const relayed = counts.answered + counts.providerFailures;
  const accepted = relayed + counts.brokerErrors;
  return {
    availability: ratio(counts.answered, relayed),
    errorRate: ratio(counts.providerFailures + counts.brokerErrors, accepted),
  };
}

export interface ErrorRateTrend {
  /** Least accepted exchanges in the period for a rise to count. */
  minExchanges: number;
  /** Least rise, in error-rate points (0.05 = five percentage points). */
  minRise: number;
}

export const DEFAULT_TREND: ErrorRateTrend = { minExchanges: 10, minRise: 0.05 };

export function acceptedOf(counts: OutcomeCounts): number {
  return counts.answered + counts.providerFailures + counts.brokerErrors;
}

/**
 * A service's error rate is rising when, with enough traffic to tell, it is
 * at least minRise above the previous period's (taken as 0 when the service
 * had no accepted traffic then).
 */
export function isRising(current: OutcomeCounts, previous: OutcomeCounts, trend: ErrorRateTrend = DEFAULT_TREND): boolean {
  if (acceptedOf(current) < trend.minExchanges) return false;
  const now = serviceLevelOf(current).errorRate ?? 0;
  const before = serviceLevelOf(previous).errorRate ?? 0;
  return now - before >= trend.minRise - 1e-12;
}

/** One service's traffic in a period, as the rollups give it. */
export interface ServiceTraffic {
  registry: string;
  service: string;
  provider: string;
  counts: OutcomeCounts;
  /** Latency of the relayed exchanges (answered and provider failures): refusals would flatter it. */
  relayed: { histogram: number[]; sumMs: number; minMs: number | null; maxMs: number | null };
}

export interface ServiceLevelRow extends ServiceLevel {
  registry: string;
  service: string;
  provider: string;
  exchanges: number;
  answered: number;
  refused: number;
  providerFailures: number;
  brokerErrors: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyP99Ms: number | null;
  latencyMinMs: number | null;
  latencyMeanMs: number | null;
  latencyMaxMs: number | null;
}

export const SERVICE_LEVEL_COLUMNS: readonly (keyof ServiceLevelRow)[] = [
  'registry',
  'service',
  'provider',
  'exchanges',
  'answered',
  'refused',
  'providerFailures',
  'brokerErrors',
  'availability',
  'errorRate',
  'latencyP50Ms',
  'latencyP95Ms',
  'latencyP99Ms',
  'latencyMinMs',
  'latencyMeanMs',
  'latencyMaxMs',
];

export function serviceLevelRow(traffic: ServiceTraffic, bounds: readonly number[]): ServiceLevelRow {
  const { counts, relayed } = traffic;
  const relayedCount = counts.answered + counts.providerFailures;
  const histogram = { bounds, counts: relayed.histogram, min: relayed.minMs ?? undefined, max: relayed.maxMs ?? undefined };
  const p = (q: number) => {
    const value = relayedCount > 0 ? percentile(histogram, q) : null;
    return value === null ? null : round(value, 3);
  };
  return {
    registry: traffic.registry,
    service: traffic.service,
    provider: traffic.provider,
    exchanges: counts.answered + counts.refused + counts.providerFailures + counts.brokerErrors,
    answered: counts.answered,
    refused: counts.refused,
    providerFailures: counts.providerFailures,
    brokerErrors: counts.brokerErrors,
    ...serviceLevelOf(counts),
    latencyP50Ms: p(0.5),
    latencyP95Ms: p(0.95),
    latencyP99Ms: p(0.99),
    latencyMinMs: relayed.minMs === null ? null : round(relayed.minMs, 3),
    latencyMeanMs: relayedCount > 0 ? round(relayed.sumMs / relayedCount, 3) : null,
    latencyMaxMs: relayed.maxMs === null ? null : round(relayed.maxMs, 3),
  };
}
