import type { AgencyRole, BilingualText } from '@nix/domain';
import type { AgreementRef, ExpiringAgreement, Refusal } from './compliance';
import type { ReportLabels } from './labels';
import type { PeriodDescription } from './period';
import type { ServiceLevelRow } from './service-level';
import type { UsageMeasures, UsageRow } from './usage';

/**
 * One agency's report for one period, as X-Road Metrics sends each member
 * monthly: what it asked of whom (as a consumer), how its services were used
 * and performed (as a provider), and the compliance points that concern it.
 */
export interface AgencyReport {
  agency: { id: string; name: BilingualText; roles: AgencyRole[] };
  period: PeriodDescription;
  generatedAt: string;
  /** Its agreements as a consumer and those on its services, whatever their status, each with its resolution. */
  agreements: AgreementRef[];
  asConsumer: {
    /** Grouped by provider, registry and service. */
    services: UsageRow[];
    totals: UsageMeasures;
    refusals: Refusal[];
    unusedAgreements: AgreementRef[];
    expiringAgreements: ExpiringAgreement[];
  } | null;
  asProvider: {
    serviceLevels: ServiceLevelRow[];
    /** The five consumers that used its services most. */
    topConsumers: UsageRow[];
    totals: UsageMeasures;
  } | null;
  labels: ReportLabels;
}

export const TOP_N = 5;
