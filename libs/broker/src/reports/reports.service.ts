import { Inject, Injectable, Optional } from '@nestjs/common';
import { dayOf, DayTracker, PROBE_AGENCY, ProblemError, type Agency, type Clock, type PresentedCertificate } from '@nix/domain';
import { NotificationStore } from '@nix/notifications';
import { GovernanceRepository } from '@nix/governance';
import type { CatalogView } from '@nix/catalog';
import { LATENCY_BOUNDS_MS } from '@nix/ledger';
import {
  agreementStandings,
  checkAgencyReport,
  checkFilters,
  covers,
  describePeriod,
  effectiveGroupBy,
  expiringAgreements,
  gregorianDateOf,
  inForceDuring,
  jalaliDateOf,
  labelsFor,
  notificationRows,
  periodBuckets,
  periodDays,
  previousPeriod,
  risingErrorRates,
  scopeOf,
  serviceLevelRow,
  silentAgencies,
  TOP_N,
  unusedAgreements,
  usageTable,
  type AgencyReport,
  type NotificationReportRow,
  type ComplianceFindings,
  type ComplianceQuery,
  type PeriodBucket,
  type PeriodDescription,
  type ReportDirectory,
  type ReportedAgreement,
  type ReportLabels,
  type ReportScope,
  type ServiceLevelRow,
  type TrafficFilters,
  type TrafficQuery,
  type UsageKey,
  type UsageMeasures,
  type UsageQuery,
  type UsageRow,
} from '@nix/reports';
import { AccessService } from '../access/access.service';
import { CLOCK, SERVICE_CATALOG } from '@nix/platform';
import { ReportsRepository, type ReportsRollups, type RollupSelection } from './reports.repository';

/** What the reports read of the governance store: the agencies, and every agreement whatever its status, with its resolution. */
export type GovernanceRecords = Pick<GovernanceRepository, 'agencies' | 'agreements'>;

/** Who asks for a report, and when. */
export interface ReportCaller {
  agency: Agency;
  scope: ReportScope;
  now: number;
  today: string;
}

interface ReportHeader {
  period: PeriodDescription;
  scope: { agency: string; sees: string };
  generatedAt: string;
  notes: string[];
}

export interface UsageReport extends ReportHeader {
  report: 'usage';
  groupBy: UsageKey[];
  interval?: string;
  filters: TrafficFilters;
  rows: UsageRow[];
  totals: UsageMeasures;
  truncated: boolean;
  periods?: (PeriodBucket & { gregorian: string; jalali: string })[];
  labels: ReportLabels;
}

export interface ServiceLevelReport extends ReportHeader {
  report: 'service-levels';
  filters: TrafficFilters;
  definitions: Record<string, string>;
  rows: ServiceLevelRow[];
  labels: ReportLabels;
}

export interface ComplianceReport extends ReportHeader, ComplianceFindings {
  report: 'compliance';
  previousPeriod: PeriodDescription;
  expiresWithinDays: number;
  /** Agencies that let notifications lapse unacknowledged past retention in the period (issue 14). */
  unacknowledgedNotifications: { agency: string; expired: number }[];
  labels: ReportLabels;
}

export interface NotificationReport extends ReportHeader {
  report: 'notifications';
  agencies: NotificationReportRow[];
  labels: ReportLabels;
}

/** What the reports read of the notification tables: counts and lapses, metadata only. */
export type NotificationCounter = Pick<NotificationStore, 'counts' | 'lapses'>;

const ROUNDED_NOTE = 'from and to were widened to whole Tehran hours, the resolution of the hourly rollups reports are made from';

/** The reports of the working group, providers and consumers (R4, R11, R12), from the ledger's hourly rollups. */
@Injectable()
export class ReportsService {
  private readonly days = new DayTracker();
  readonly directory: ReportDirectory;

  constructor(
    private readonly access: AccessService,
    @Inject(ReportsRepository) private readonly repository: ReportsRollups,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CATALOG) private readonly catalog: CatalogView,
    @Inject(GovernanceRepository) private readonly governance: GovernanceRecords,
    @Optional() @Inject(NotificationStore) private readonly notificationCounts?: NotificationCounter,
  ) {
    this.directory = {
      agencyName: (id) => access.agency(id)?.name,
      registryTitle: (registry) => catalog.registry(registry)?.title,
      serviceTitle: (registry, service) => catalog.get(registry, service)?.title,
    };
  }

  /** The calling agency from its API key, or a 401/403 problem. */
  caller(authorization: string | undefined, clientIp: string, certificate?: PresentedCertificate): ReportCaller {
    const now = this.clock.now();
    const today = this.days.at(now).date;
    const agency = this.access.authenticate(authorization, clientIp, today, undefined, certificate);
    return { agency, scope: scopeOf(agency), now, today };
  }

  async usage(caller: ReportCaller, query: UsageQuery): Promise<UsageReport> {
    checkFilters(caller.scope, query.filters);
    const groupBy = effectiveGroupBy(query.groupBy);
    const buckets = groupBy.includes('period') ? periodBuckets(query.period, query.interval) : undefined;
    const keys = groupBy.filter((k): k is Exclude<UsageKey, 'period'> => k !== 'period');
    const groups = await this.repository.usage(this.selection(caller.scope, query), keys, buckets);
    const table = usageTable(groups, groupBy, buckets ?? [], query.limit);
    return {
      report: 'usage',
      ...this.header(caller, query),
      groupBy,
      ...(buckets ? { interval: query.interval } : {}),
      filters: query.filters,
      ...table,
      ...(buckets ? { periods: buckets.map((b) => ({ ...b, gregorian: gregorianDateOf(b.from), jalali: jalaliDateOf(b.from) })) } : {}),
      labels: labelsFor(table.rows, this.directory),
    };
  }

  async serviceLevels(caller: ReportCaller, query: TrafficQuery): Promise<ServiceLevelReport> {
    checkFilters(caller.scope, query.filters);
    const rows = await this.serviceLevelRows(this.selection(caller.scope, query));
    return {
      report: 'service-levels',
      ...this.header(caller, query),
      filters: query.filters,
      definitions: {
        availability: 'answered / (answered + providerFailures): the share of inquiries relayed to the registry that it answered',
        errorRate: '(providerFailures + brokerErrors) / (answered + providerFailures + brokerErrors): the share of accepted inquiries that failed',
        answered: 'outcomes ok and not-found',
        refused: 'outcomes invalid, unauthenticated, denied and over-quota: the caller was turned away before the registry was asked',
        providerFailures: 'outcomes timeout, provider-error and unavailable',
        latency: 'of relayed inquiries (answered and provider failures), estimated from the hourly histograms',
      },
      rows,
      labels: labelsFor(rows, this.directory),
    };
  }

  async compliance(caller: ReportCaller, query: ComplianceQuery): Promise<ComplianceReport> {
    const { scope } = caller;
    const selection = this.selection(scope, query);
    const previous = previousPeriod(query.period);
    const [activity, refusals, current, before, agreements, lapses] = await Promise.all([
      this.repository.activity(selection),
      this.repository.refusals(selection),
      this.repository.serviceTraffic(selection),
      this.repository.serviceTraffic({ ...selection, from: previous.from, to: previous.to }),
      this.agreementsIn(scope),
      this.lapses(query),
    ]);
    const inForce = agreements.filter((a) => inForceDuring(a, periodDays(query.period)));
    const findings: ComplianceFindings = {
      agreements: agreementStandings(agreements),
      silentAgencies: silentAgencies(inForce, activity.consumers),
      unusedAgreements: unusedAgreements(inForce, activity.agreements),
      refusals,
      risingErrorRates: risingErrorRates(current, before),
      expiringAgreements: expiringAgreements(agreements, caller.today, query.expiresWithinDays),
      unacknowledgedNotifications: lapses.filter((l) => scope.all || l.agency === scope.agency),
    };
    const mentioned = [
      ...findings.agreements,
      ...findings.silentAgencies,
      ...findings.unusedAgreements,
      ...findings.refusals,
      ...findings.risingErrorRates,
      ...findings.expiringAgreements,
      ...findings.unacknowledgedNotifications!,
    ];
    return {
      report: 'compliance',
      ...this.header(caller, query),
      previousPeriod: describePeriod(previous),
      expiresWithinDays: query.expiresWithinDays,
      ...findings,
      unacknowledgedNotifications: findings.unacknowledgedNotifications!,
      labels: labelsFor(mentioned, this.directory),
    };
  }

  /**
   * The agencies a caller meets in its reports: all for the working group,
   * else itself and its counterparts. Reportable ones have an agency report
   * the caller may see (consumers and providers; the working group sends and serves nothing).
   */
  async agencies(caller: ReportCaller): Promise<{ id: string; name: Agency['name']; roles: Agency['roles']; reportable: boolean }[]> {
    const { scope } = caller;
    const ids = new Set<string>([scope.agency]);
    const [agencies, agreements] = await Promise.all([this.governance.agencies(), this.governance.agreements()]);
    for (const a of agreements.filter((a) => a.consumer !== PROBE_AGENCY.id)) {
      const provider = this.catalog.get(a.registry, a.service)?.custodian ?? '';
      if (scope.all || covers(scope, { consumer: a.consumer, provider })) ids.add(a.consumer).add(provider);
    }
    return agencies
      .filter((a) => (scope.all || ids.has(a.id)) && a.id !== PROBE_AGENCY.id)
      .map((a) => ({ id: a.id, name: a.name, roles: a.roles, reportable: (scope.all || a.id === scope.agency) && !a.roles.includes('working-group') }));
  }

  /** One agency's report for a period: for the agency itself and the working group. */
  async agencyReport(caller: ReportCaller, agencyId: string, query: TrafficQuery): Promise<AgencyReport> {
    checkAgencyReport(caller.scope, agencyId);
    const agency = this.access.agency(agencyId);
    if (!agency) throw new ProblemError('not-found', `No agency "${agencyId}" is known; GET /v1/reports/agencies lists those you can see.`);
    const own: ReportCaller = { ...caller, agency, scope: scopeOf(agency) };
    const period = { period: query.period, lang: query.lang };
    const agreements = agreementStandings(await this.agreementsIn(own.scope));
    let asConsumer: AgencyReport['asConsumer'] = null;
    if (own.scope.ownUsage) {
      const filters = { consumer: agencyId };
      const usage = await this.usage(own, { ...period, filters, groupBy: ['provider', 'registry', 'service'], interval: 'day', limit: 1000 });
      const compliance = await this.compliance(own, { ...period, filters: {}, expiresWithinDays: 30 });
      asConsumer = {
        services: usage.rows,
        totals: usage.totals,
        refusals: compliance.refusals.filter((r) => r.consumer === agencyId),
        unusedAgreements: compliance.unusedAgreements.filter((a) => a.consumer === agencyId),
        expiringAgreements: compliance.expiringAgreements.filter((a) => a.consumer === agencyId),
      };
    }
    let asProvider: AgencyReport['asProvider'] = null;
    if (own.scope.ownServices) {
      const filters = { provider: agencyId };
      const consumers = await this.usage(own, { ...period, filters, groupBy: ['consumer'], interval: 'day', limit: TOP_N });
      asProvider = {
        serviceLevels: (await this.serviceLevels(own, { ...period, filters })).rows,
        topConsumers: consumers.rows,
        totals: consumers.totals,
      };
    }
    const rows = [...(asConsumer?.services ?? []), ...(asProvider?.serviceLevels ?? []), ...(asProvider?.topConsumers ?? [])];
    const labels = labelsFor([...rows, ...agreements, { agency: agencyId }], this.directory);
    return {
      agency: { id: agency.id, name: agency.name, roles: agency.roles },
      period: describePeriod(query.period),
      generatedAt: new Date(caller.now).toISOString(),
      agreements,
      asConsumer,
      asProvider,
      labels,
    };
  }

  private async serviceLevelRows(selection: RollupSelection): Promise<ServiceLevelRow[]> {
    const traffic = await this.repository.serviceTraffic(selection);
    return traffic.map((t) => serviceLevelRow(t, LATENCY_BOUNDS_MS));
  }

  /**
   * Agreements of the consumers, or on the services, the scope covers, read from the governance store: suspended and
   * revoked ones too. The probe agency's system agreements are NIX's own, not an agency's: left out, as its traffic is.
   */
  private async agreementsIn(scope: ReportScope): Promise<ReportedAgreement[]> {
    return (await this.governance.agreements()).filter((a) => a.consumer !== PROBE_AGENCY.id && covers(scope, { consumer: a.consumer, provider: this.catalog.get(a.registry, a.service)?.custodian ?? '' }));
  }

  /** Events published and notifications delivered per agency, with the share delivered the same Tehran day (R18). */
  async notifications(caller: ReportCaller, query: TrafficQuery): Promise<NotificationReport> {
    const [counts, lapses] = await Promise.all([this.notificationCounts?.counts(query.period.from, query.period.to) ?? [], this.lapses(query)]);
    const agencies = notificationRows(counts, lapses, caller.scope);
    return { report: 'notifications', ...this.header(caller, query), agencies, labels: labelsFor(agencies, this.directory) };
  }

  private async lapses(query: TrafficQuery): Promise<{ agency: string; expired: number }[]> {
    if (!this.notificationCounts) return [];
    return this.notificationCounts.lapses(dayOf(query.period.from).date, dayOf(query.period.to - 1).date);
  }

  private selection(scope: ReportScope, query: TrafficQuery): RollupSelection {
    return { from: query.period.from, to: query.period.to, scope, filters: query.filters };
  }

  private header(caller: ReportCaller, query: TrafficQuery): ReportHeader {
    const { scope } = caller;
    const sees = scope.all ? 'all traffic' : [scope.ownUsage && 'its own usage', scope.ownServices && 'the use of its own services'].filter(Boolean).join(' and ');
    return {
      period: describePeriod(query.period),
      scope: { agency: scope.agency, sees },
      generatedAt: new Date(caller.now).toISOString(),
      notes: query.period.roundedToHours ? [ROUNDED_NOTE] : [],
    };
  }
}
