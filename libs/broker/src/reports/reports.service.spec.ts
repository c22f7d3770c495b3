import { join } from 'node:path';
import { ServiceCatalog } from '@nix/catalog';
import type { ContractSet } from '@nix/contracts';
import { LATENCY_BOUNDS_MS } from '@nix/ledger';
import { ProblemError, type Agency, type Agreement, type Clock, type ProblemType } from '@nix/domain';
import {
  parseComplianceQuery,
  parseServiceLevelQuery,
  parseUsageQuery,
  type PeriodBucket,
  type Refusal,
  type RollupSums,
  type ServiceTraffic,
  type UsageGroup,
  type UsageKey,
} from '@nix/reports';
import { accessServiceOf } from '../testing';
import type { KeyHasher } from '../access/key-hasher';
import type { ReportsRollups, RollupSelection } from './reports.repository';
import { ReportsService, type ReportCaller } from './reports.service';

/** 11:30 in Tehran on 2026-11-30. */
const NOW = Date.UTC(2026, 10, 30, 8, 0);

class FixedClock implements Clock {
  constructor(public time: number) {}
  now(): number {
    return this.time;
  }
}

/** Keys are their own hashes: "Bearer tax" is tax-organization's key. */
const sameKeyHasher: KeyHasher = { apiKeyHash: (key) => key, trackingDigest: (consumer, code) => `${consumer}/${code}` };

/** The rollups as a report would find them, and what the service asked of them. */
class FakeRollups implements ReportsRollups {
  usageGroups: UsageGroup[] = [];
  traffic: ServiceTraffic[] = [];
  refused: Refusal[] = [];
  active = { consumers: new Set<string>(), agreements: new Set<string>() };
  readonly asked: { read: string; selection: RollupSelection; keys?: readonly string[]; buckets?: readonly PeriodBucket[] }[] = [];

  async usage(selection: RollupSelection, keys: readonly Exclude<UsageKey, 'period'>[], buckets?: readonly PeriodBucket[]): Promise<UsageGroup[]> {
    this.asked.push({ read: 'usage', selection, keys, buckets });
    return this.usageGroups;
  }

  async serviceTraffic(selection: RollupSelection): Promise<ServiceTraffic[]> {
    this.asked.push({ read: 'serviceTraffic', selection });
    return this.traffic;
  }

  async refusals(selection: RollupSelection): Promise<Refusal[]> {
    this.asked.push({ read: 'refusals', selection });
    return this.refused;
  }

  async activity(selection: RollupSelection): Promise<{ consumers: Set<string>; agreements: Set<string> }> {
    this.asked.push({ read: 'activity', selection });
    return this.active;
  }
}

const agency = (id: string, en: string, ...roles: Agency['roles']): Agency => ({ id, name: { fa: `${en} (fa)`, en }, roles, demo: false });
const WORKING_GROUP = agency('interoperability-working-group', 'Working group', 'working-group');
const TAX = agency('tax-organization', 'Tax organization', 'consumer');
const SOCIAL = agency('social-security', 'Social security', 'consumer');
const CIVIL = agency('civil-registration', 'Civil registration', 'provider');

const agreement = (id: string, consumer: string, validUntil: string): Agreement => ({
  id,
  consumer,
  registry: 'identity',
  service: 'person',
  dataItems: ['firstName'],
  purposes: ['assessment'],
  validFrom: '2026-01-01',
  validUntil,
  dailyQuota: 1000,
});
const TAX_IDENTITY = agreement('tax-identity', TAX.id, '2026-12-10');
const SOCIAL_IDENTITY = agreement('social-identity', SOCIAL.id, '2027-06-30');

const CONTRACTS: ContractSet = {
  agencies: [WORKING_GROUP, TAX, SOCIAL, CIVIL],
  agreements: [TAX_IDENTITY, SOCIAL_IDENTITY],
  apiKeys: [WORKING_GROUP, TAX, SOCIAL, CIVIL].map((a) => ({ agencyId: a.id, keyId: `${a.id}-1`, sha256: a.id, networks: null, expires: null })),
  refusedDemoAgencies: [],
};

function sums(exchanges: number, answered: number): RollupSums {
  return {
    exchanges,
    answered,
    totalMsSum: exchanges * 20,
    totalMsMin: 5,
    totalMsMax: 80,
    requestBytesSum: exchanges * 100,
    requestBytesMin: 100,
    requestBytesMax: 100,
    responseBytesSum: exchanges * 300,
    responseBytesMin: 200,
    responseBytesMax: 400,
  };
}

async function problemOf(act: () => unknown): Promise<ProblemError> {
  try {
    await act();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('expected a problem, and there was none');
}

async function expectProblem(act: () => unknown, type: ProblemType, status: number): Promise<void> {
  const problem = await problemOf(act);
  expect({ type: problem.problemType, status: problem.status }).toEqual({ type, status });
}

describe('ReportsService', () => {
  const catalog = ServiceCatalog.load(join(__dirname, '../../../../schemas'));
  let clock: FixedClock;
  let rollups: FakeRollups;
  let reports: ReportsService;
  const callerOf = (who: Agency): ReportCaller => reports.caller(`Bearer ${who.id}`, '203.0.113.9');

  beforeEach(() => {
    clock = new FixedClock(NOW);
    rollups = new FakeRollups();
    reports = new ReportsService(accessServiceOf(CONTRACTS, sameKeyHasher), rollups, clock, catalog);
  });

  describe('caller', () => {
    it('is the agency of the key, with the scope of its roles, at the Tehran date of the clock', () => {
      expect(callerOf(TAX)).toEqual({
        agency: TAX,
        scope: { agency: TAX.id, all: false, ownUsage: true, ownServices: false },
        now: NOW,
        today: '2026-11-30',
      });
      expect(callerOf(WORKING_GROUP).scope).toMatchObject({ all: true });
      clock.time = Date.UTC(2026, 10, 30, 21, 0); // 00:30 the next day in Tehran
      expect(callerOf(CIVIL)).toMatchObject({ today: '2026-12-01', scope: { ownServices: true, ownUsage: false } });
    });

    it('answers 401 for an unknown key', async () => {
      await expectProblem(() => reports.caller('Bearer nobody', '203.0.113.9'), 'unauthenticated', 401);
    });
  });

  describe('usage', () => {
    it("reads the caller's scope over the period's hours, and names what its rows mention", async () => {
      rollups.usageGroups = [{ keys: { provider: CIVIL.id, registry: 'identity', service: 'person' }, sums: sums(10, 8) }];
      const caller = callerOf(TAX);
      const query = parseUsageQuery({ period: 'day:2026-11-30', groupBy: 'provider,registry,service' }, NOW);

      const report = await reports.usage(caller, query);

      expect(rollups.asked).toEqual([
        { read: 'usage', selection: { from: query.period.from, to: query.period.to, scope: caller.scope, filters: {} }, keys: ['provider', 'registry', 'service'], buckets: undefined },
      ]);
      expect(report).toMatchObject({
        report: 'usage',
        scope: { agency: TAX.id, sees: 'its own usage' },
        generatedAt: new Date(NOW).toISOString(),
        period: { key: 'day:2026-11-30', hours: 24 },
        notes: [],
        groupBy: ['provider', 'registry', 'service'],
        rows: [{ provider: CIVIL.id, registry: 'identity', service: 'person', count: 10, succeeded: 8, failed: 2 }],
        totals: { count: 10, succeeded: 8, failed: 2 },
        truncated: false,
      });
      expect(report.labels.agencies).toEqual({ [CIVIL.id]: CIVIL.name });
      expect(report.labels.registries.identity).toEqual(catalog.registry('identity')!.title);
      expect(report.labels.services['identity/person']).toEqual(catalog.get('identity', 'person')!.title);
      expect(report.periods).toBeUndefined();
    });

    it('asks for period buckets when grouped by period, and gives each its dates in both calendars', async () => {
      const query = parseUsageQuery({ period: 'month:2026-11', groupBy: 'period,consumer', interval: 'day' }, NOW);

      const report = await reports.usage(callerOf(WORKING_GROUP), query);

      const [asked] = rollups.asked;
      expect(asked.keys).toEqual(['consumer']);
      expect(asked.buckets).toHaveLength(30);
      expect(report.interval).toBe('day');
      expect(report.periods).toHaveLength(30);
      expect(report.periods![0]).toMatchObject({ gregorian: '2026-11-01', jalali: '1405-08-10' });
      expect(report.scope.sees).toBe('all traffic');
    });

    it('says when a from/to range was widened to whole hours', async () => {
      const query = parseUsageQuery({ from: '2026-11-30T10:15:00+03:30', to: '2026-11-30T11:45:00+03:30' }, NOW);
      const report = await reports.usage(callerOf(TAX), query);
      expect(report.notes).toEqual([expect.stringContaining('widened to whole Tehran hours')]);
    });

    it("refuses with 403 a filter on another agency's traffic, and reads nothing", async () => {
      const query = parseUsageQuery({ consumer: SOCIAL.id }, NOW);
      await expectProblem(() => reports.usage(callerOf(TAX), query), 'report-out-of-scope', 403);
      expect(rollups.asked).toEqual([]);
    });
  });

  it("gives a provider the service levels of its own services, from the rollups' outcome counts", async () => {
    rollups.traffic = [
      {
        registry: 'identity',
        service: 'person',
        provider: CIVIL.id,
        counts: { answered: 90, refused: 5, providerFailures: 10, brokerErrors: 0 },
        // All 100 relayed inquiries took between 10 and 15 ms.
        relayed: { histogram: [0, ...LATENCY_BOUNDS_MS].map((_, i) => (LATENCY_BOUNDS_MS[i - 1] === 10 ? 100 : 0)), sumMs: 1200, minMs: 10.5, maxMs: 14.5 },
      },
    ];
    const caller = callerOf(CIVIL);

    const report = await reports.serviceLevels(caller, parseServiceLevelQuery({}, NOW));

    expect(rollups.asked.map((a) => a.read)).toEqual(['serviceTraffic']);
    expect(report.scope.sees).toBe('the use of its own services');
    expect(report.rows).toEqual([
      expect.objectContaining({ registry: 'identity', service: 'person', exchanges: 105, answered: 90, availability: 0.9, latencyMeanMs: 12 }),
    ]);
    expect(report.rows[0].latencyP50Ms).toBeGreaterThanOrEqual(10);
    expect(report.rows[0].latencyP50Ms).toBeLessThanOrEqual(15);
    expect(report.labels.agencies).toEqual({ [CIVIL.id]: CIVIL.name });
  });

  it('finds silent agencies, unused and expiring agreements, comparing the period with the one before', async () => {
    rollups.active = { consumers: new Set([TAX.id]), agreements: new Set([TAX_IDENTITY.id]) };
    const query = parseComplianceQuery({ period: 'month:2026-11' }, NOW);

    const report = await reports.compliance(callerOf(WORKING_GROUP), query);

    const traffic = rollups.asked.filter((a) => a.read === 'serviceTraffic').map((a) => new Date(a.selection.from).toISOString());
    expect(traffic.sort()).toEqual(['2026-09-30T20:30:00.000Z', '2026-10-31T20:30:00.000Z']);
    expect(report.silentAgencies).toEqual([{ agency: SOCIAL.id, agreements: [SOCIAL_IDENTITY.id] }]);
    expect(report.unusedAgreements.map((a) => a.agreement)).toEqual([SOCIAL_IDENTITY.id]);
    expect(report.expiringAgreements).toEqual([expect.objectContaining({ agreement: TAX_IDENTITY.id, daysLeft: 10 })]);
    expect(report.previousPeriod.key).toBe('month:2026-10');
    expect(report.labels.agencies[SOCIAL.id]).toEqual(SOCIAL.name);
  });

  describe('agencies', () => {
    it('shows a consumer itself and the providers it uses; only its own report is open to it', () => {
      expect(reports.agencies(callerOf(TAX))).toEqual([
        { id: TAX.id, name: TAX.name, roles: ['consumer'], reportable: true },
        { id: CIVIL.id, name: CIVIL.name, roles: ['provider'], reportable: false },
      ]);
    });

    it('shows the working group every agency, each reportable but the working group itself', () => {
      expect(reports.agencies(callerOf(WORKING_GROUP)).map((a) => [a.id, a.reportable])).toEqual([
        [WORKING_GROUP.id, false],
        [TAX.id, true],
        [SOCIAL.id, true],
        [CIVIL.id, true],
      ]);
    });
  });

  describe('agencyReport', () => {
    it("refuses another agency's report with 403, and an unknown agency with 404", async () => {
      const query = parseServiceLevelQuery({}, NOW);
      await expectProblem(() => reports.agencyReport(callerOf(TAX), SOCIAL.id, query), 'report-out-of-scope', 403);
      await expectProblem(() => reports.agencyReport(callerOf(WORKING_GROUP), 'nobody', query), 'not-found', 404);
      expect(rollups.asked).toEqual([]);
    });

    it("gives a consumer's report in the consumer's own scope, whoever asks", async () => {
      rollups.usageGroups = [{ keys: { provider: CIVIL.id, registry: 'identity', service: 'person' }, sums: sums(4, 4) }];

      const report = await reports.agencyReport(callerOf(WORKING_GROUP), TAX.id, parseServiceLevelQuery({}, NOW));

      expect(rollups.asked.every((a) => a.selection.scope.agency === TAX.id && !a.selection.scope.all)).toBe(true);
      expect(rollups.asked.find((a) => a.read === 'usage')!.selection.filters).toEqual({ consumer: TAX.id });
      expect(report.agency).toEqual({ id: TAX.id, name: TAX.name, roles: ['consumer'] });
      expect(report.asConsumer).toMatchObject({ services: [{ provider: CIVIL.id, count: 4 }], expiringAgreements: [{ agreement: TAX_IDENTITY.id }] });
      expect(report.asProvider).toBeNull();
      expect(report.labels.agencies).toEqual({ [TAX.id]: TAX.name, [CIVIL.id]: CIVIL.name });
    });
  });
});
