import { DateTime } from 'luxon';
import type { Agreement } from '@nix/domain';
import type { CsvValue } from './csv';
import { compareText } from './usage';
import { acceptedOf, isRising, serviceLevelOf, type ErrorRateTrend, type OutcomeCounts } from './service-level';

/**
 * The questions the working group asks each quarter (R11): who holds
 * agreements and sends nothing, who is turned away and why, which services
 * fail more than before, and which agreements run out soon.
 */
export const AGREEMENT_STATUSES = ['active', 'suspended', 'revoked'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

/** An agreement as the governance store holds it: with the working group's resolution (R6) and its status today. */
export interface ReportedAgreement extends Omit<Agreement, 'resolution'> {
  resolution: string | null;
  status: AgreementStatus;
}

export interface AgreementRef {
  agreement: string;
  consumer: string;
  registry: string;
  service: string;
  validFrom: string;
  validUntil: string;
  /** Today's status: a suspended or revoked agreement is still reported, and its traffic still counts. */
  status: AgreementStatus;
  /** The working group's resolution that last decided it, or null when none was recorded. */
  resolution: string | null;
}

export interface SilentAgency {
  agency: string;
  /** The agreements it held in force during the period. */
  agreements: string[];
}

export interface Refusal {
  consumer: string;
  outcome: string;
  /** The problem type that refused it, e.g. no-agreement, quota-exceeded. */
  reason: string;
  count: number;
}

export interface RisingErrorRate {
  registry: string;
  service: string;
  provider: string;
  previous: { accepted: number; errorRate: number | null };
  current: { accepted: number; errorRate: number | null };
}

export interface ExpiringAgreement extends AgreementRef {
  /** Days from today to the last day in force: 0 when today is the last. */
  daysLeft: number;
}

export interface ServiceOutcomes {
  registry: string;
  service: string;
  provider: string;
  counts: OutcomeCounts;
}

export function agreementRef(a: ReportedAgreement): AgreementRef {
  return { agreement: a.id, consumer: a.consumer, registry: a.registry, service: a.service, validFrom: a.validFrom, validUntil: a.validUntil, status: a.status, resolution: a.resolution };
}

/** Every agreement given, with its status and resolution, by id. */
export function agreementStandings(agreements: readonly ReportedAgreement[]): AgreementRef[] {
  return agreements.map(agreementRef).sort((a, b) => compareText(a.agreement, b.agreement));
}

/** In force on at least one day of the period (days as YYYY-MM-DD in Tehran). */
export function inForceDuring(agreement: Pick<Agreement, 'validFrom' | 'validUntil'>, days: { first: string; last: string }): boolean {
  return agreement.validFrom <= days.last && agreement.validUntil >= days.first;
}

/** Agencies holding agreements in force that sent no exchange at all in the period. */
export function silentAgencies(agreementsInForce: readonly Pick<Agreement, 'id' | 'consumer'>[], activeConsumers: ReadonlySet<string>): SilentAgency[] {
  const byAgency = new Map<string, string[]>();
  for (const a of agreementsInForce) {
    if (activeConsumers.has(a.consumer)) continue;
    byAgency.set(a.consumer, [...(byAgency.get(a.consumer) ?? []), a.id]);
  }
  return [...byAgency].map(([agency, agreements]) => ({ agency, agreements: agreements.sort() })).sort((a, b) => compareText(a.agency, b.agency));
}

/** Agreements in force under which no inquiry was accepted in the period. */
export function unusedAgreements(agreementsInForce: readonly ReportedAgreement[], usedAgreements: ReadonlySet<string>): AgreementRef[] {
  return agreementsInForce
    .filter((a) => !usedAgreements.has(a.id))
    .map(agreementRef)
    .sort((a, b) => compareText(a.agreement, b.agreement));
}

/** Agreements in force today, and not revoked (revocation ends them for good), whose last day is at most withinDays away. */
export function expiringAgreements(agreements: readonly ReportedAgreement[], today: string, withinDays: number): ExpiringAgreement[] {
  const start = DateTime.fromISO(today, { zone: 'utc' });
  return agreements
    .filter((a) => a.status !== 'revoked' && a.validFrom <= today && a.validUntil >= today)
    .map((a) => ({ ...agreementRef(a), daysLeft: Math.round(DateTime.fromISO(a.validUntil, { zone: 'utc' }).diff(start, 'days').days) }))
    .filter((a) => a.daysLeft <= withinDays)
    .sort((a, b) => a.daysLeft - b.daysLeft || compareText(a.agreement, b.agreement));
}

const serviceKey = (s: { registry: string; service: string }) => `${s.registry}/${s.service}`;

/** Services whose error rate rose against the previous period (see isRising). */
export function risingErrorRates(current: readonly ServiceOutcomes[], previous: readonly ServiceOutcomes[], trend?: ErrorRateTrend): RisingErrorRate[] {
  const before = new Map(previous.map((s) => [serviceKey(s), s.counts]));
  const none: OutcomeCounts = { answered: 0, refused: 0, providerFailures: 0, brokerErrors: 0 };
  return current
    .filter((s) => isRising(s.counts, before.get(serviceKey(s)) ?? none, trend))
    .map((s) => {
      const prior = before.get(serviceKey(s)) ?? none;
      return {
        registry: s.registry,
        service: s.service,
        provider: s.provider,
        previous: { accepted: acceptedOf(prior), errorRate: serviceLevelOf(prior).errorRate },
        current: { accepted: acceptedOf(s.counts), errorRate: serviceLevelOf(s.counts).errorRate },
      };
    })
    .sort((a, b) => (b.current.errorRate ?? 0) - (a.current.errorRate ?? 0) || compareText(serviceKey(a), serviceKey(b)));
}

export interface ComplianceFindings {
  /** Every agreement the report covers, whatever its status, with the resolution that decided it. */
  agreements: AgreementRef[];
  silentAgencies: SilentAgency[];
  unusedAgreements: AgreementRef[];
  refusals: Refusal[];
  risingErrorRates: RisingErrorRate[];
  expiringAgreements: ExpiringAgreement[];
  /** Agencies whose identity-change notifications lapsed unacknowledged past retention in the period (issue 14). */
  unacknowledgedNotifications?: { agency: string; expired: number }[];
}

export const FINDING_COLUMNS = ['finding', 'agency', 'registry', 'service', 'agreement', 'reason', 'count', 'previousErrorRate', 'errorRate', 'validUntil', 'daysLeft', 'status', 'resolution'] as const;

/** Every finding as one flat row, for CSV. */
export function findingRows(f: ComplianceFindings): Record<(typeof FINDING_COLUMNS)[number], CsvValue>[] {
  const row = (values: Partial<Record<(typeof FINDING_COLUMNS)[number], CsvValue>>) => Object.fromEntries(FINDING_COLUMNS.map((c) => [c, values[c] ?? null])) as Record<(typeof FINDING_COLUMNS)[number], CsvValue>;
  const standing = (a: AgreementRef) => ({ agency: a.consumer, registry: a.registry, service: a.service, agreement: a.agreement, validUntil: a.validUntil, status: a.status, resolution: a.resolution });
  return [
    ...f.agreements.map((a) => row({ finding: 'agreement', ...standing(a) })),
    ...f.silentAgencies.map((s) => row({ finding: 'silent-agency', agency: s.agency, agreement: s.agreements.join(' ') })),
    ...f.unusedAgreements.map((a) => row({ finding: 'unused-agreement', ...standing(a) })),
    ...f.refusals.map((r) => row({ finding: 'refusal', agency: r.consumer, reason: r.reason, count: r.count })),
    ...f.risingErrorRates.map((r) => row({ finding: 'rising-error-rate', agency: r.provider, registry: r.registry, service: r.service, previousErrorRate: r.previous.errorRate, errorRate: r.current.errorRate })),
    ...f.expiringAgreements.map((a) => row({ finding: 'expiring-agreement', ...standing(a), daysLeft: a.daysLeft })),
    ...(f.unacknowledgedNotifications ?? []).map((l) => row({ finding: 'unacknowledged-notifications', agency: l.agency, count: l.expired })),
  ];
}
