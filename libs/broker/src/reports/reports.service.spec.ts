import { join } from 'node:path';
import { ServiceCatalog } from '@nix/catalog';
import type { ContractSet } from '@nix/contracts';
import { LATENCY_BOUNDS_MS } from '@nix/ledger';
import { ProblemError, type Agency, type Clock, type ProblemType } from '@nix/domain';
import type { GovernedAgreement } from '@nix/governance';
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
import { ReportsService, type GovernanceRecords, type ReportCaller } from './reports.service';

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

/** The governance store as the reports read it: its agencies and agreements, whatever their status. */
class FakeGovernance implements GovernanceRecords {
  constructor(
    public agencyList: Agency[],
    public agreementList: GovernedAgreement[],
  ) {}

  async agencies(): Promise<Agency[]> {
    return this.agencyList;
  }

  async agreements(): Promise<GovernedAgreement[]> {
    return this.agreementList;
  }
}

const agency = (id: string, en: string, ...roles: Agency['roles']): Agency => ({ id, name: { fa: `${en} (fa)`, en }, roles, demo: false });
const WORKING_GROUP = agency('interoperability-working-group', 'Working group', 'working-group');
const TAX = agency('tax-organization', 'Tax organization', 'consumer');
const SOCIAL = agency('social-security', 'Social security', 'consumer');
const CIVIL = agency('civil-registration', 'Civil registration', 'provider');

const agreement = (id: string, consumer: string, validUntil: string, standing: Pick<GovernedAgreement, 'status' | 'resolution'>, registry = 'identity', service = 'person'): GovernedAgreement => ({
  id,
  consumer,
  registry,
  service,
  dataItems: ['firstName'],
  purposes: ['assessment'],
  validFrom: '2026-01-01',
  validUntil,
  dailyQuota: 1000,
  ...standing,
});
const TAX_IDENTITY = agreement('tax-identity', TAX.id, '2026-12-10', { status: 'active', resolution: 'WG-1405-07: approved for assessment' });
const SOCIAL_IDENTITY = agreement('social-identity', SOCIAL.id, '2027-06-30', { status: 'suspended', resolution: 'WG-1405-19: suspended pending an audit' });
/** Revoked, near its end: still reported, never as expiring. */
const TAX_ADDRESS = agreement('tax-address', TAX.id, '2026-12-05', { status: 'revoked', resolution: 'WG-1405-21: revoked' }, 'address', 'postal-code');
const LEGACY = agreement('legacy-identity', TAX.id, '2027-01-01', { status: 'active', resolution: null });

/** The YAML the broker started with: keys and names only; the agreements are the store's. */
const CONTRACTS: ContractSet = {
  agencies: [WORKING_GROUP, TAX, SOCIAL, CIVIL],
  agreements: [],
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
  let governance: FakeGovernance;
  const callerOf = (who: Agency): ReportCaller => reports.caller(`Bearer ${who.id}`, '203.0.113.9');

  beforeEach(() => {
    clock = new FixedClock(NOW);
    rollups = new FakeRollups();
    governance = new FakeGovernance([WORKING_GROUP, TAX, SOCIAL, CIVIL], [LEGACY, SOCIAL_IDENTITY, TAX_ADDRESS, TAX_IDENTITY]);
    reports = new ReportsService(accessServiceOf(CONTRACTS, sameKeyHasher), rollups, clock, catalog, governance);
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

  it('finds silent agencies, unused and expiring agreements in the store, comparing the period with the one before', async () => {
    rollups.active = { consumers: new Set([TAX.id]), agreements: new Set([TAX_IDENTITY.id, LEGACY.id, TAX_ADDRESS.id]) };
    const query = parseComplianceQuery({ period: 'month:2026-11' }, NOW);

    const report = await reports.compliance(callerOf(WORKING_GROUP), query);

    const traffic = rollups.asked.filter((a) => a.read === 'serviceTraffic').map((a) => new Date(a.selection.from).toISOString());
    expect(traffic.sort()).toEqual(['2026-09-30T20:30:00.000Z', '2026-10-31T20:30:00.000Z']);
    // Suspended today, but in force for the period: its consumer still counts as silent.
    expect(report.silentAgencies).toEqual([{ agency: SOCIAL.id, agreements: [SOCIAL_IDENTITY.id] }]);
    expect(report.unusedAgreements).toEqual([expect.objectContaining({ agreement: SOCIAL_IDENTITY.id, status: 'suspended', resolution: SOCIAL_IDENTITY.resolution })]);
    expect(report.expiringAgreements).toEqual([expect.objectContaining({ agreement: TAX_IDENTITY.id, daysLeft: 10, status: 'active', resolution: TAX_IDENTITY.resolution })]);
    expect(report.previousPeriod.key).toBe('month:2026-10');
    expect(report.labels.agencies[SOCIAL.id]).toEqual(SOCIAL.name);
  });

  it("lists every agreement in the caller's scope with the store's status and resolution, revoked and suspended ones too", async () => {
    const query = parseComplianceQuery({ period: 'month:2026-11' }, NOW);

    const all = await reports.compliance(callerOf(WORKING_GROUP), query);
    const own = await reports.compliance(callerOf(TAX), query);

    expect(all.agreements.map((a) => [a.agreement, a.status, a.resolution])).toEqual([
      [LEGACY.id, 'active', null],
      [SOCIAL_IDENTITY.id, 'suspended', SOCIAL_IDENTITY.resolution],
      [TAX_ADDRESS.id, 'revoked', TAX_ADDRESS.resolution],
      [TAX_IDENTITY.id, 'active', TAX_IDENTITY.resolution],
    ]);
    expect(own.agreements.map((a) => a.agreement)).toEqual([LEGACY.id, TAX_ADDRESS.id, TAX_IDENTITY.id]);
    expect(all.labels.services['address/postal-code']).toEqual(catalog.get('address', 'postal-code')!.title);
  });

  it('reads the store afresh for each report: a change in the store shows in the next one', async () => {
    const query = parseComplianceQuery({ period: 'month:2026-11' }, NOW);
    governance.agreementList = governance.agreementList.map((a) => (a.id === TAX_IDENTITY.id ? { ...a, status: 'suspended', resolution: 'WG-1405-30: suspended' } : a));

    const report = await reports.compliance(callerOf(TAX), query);

    expect(report.agreements.find((a) => a.agreement === TAX_IDENTITY.id)).toMatchObject({ status: 'suspended', resolution: 'WG-1405-30: suspended' });
  });

  describe('agencies', () => {
    it('shows a consumer itself and the providers it uses; only its own report is open to it', async () => {
      expect(await reports.agencies(callerOf(TAX))).toEqual([
        { id: TAX.id, name: TAX.name, roles: ['consumer'], reportable: true },
        { id: CIVIL.id, name: CIVIL.name, roles: ['provider'], reportable: false },
      ]);
    });

    it('lists the agencies of the store, one registered after start included', async () => {
      const newcomer = agency('newcomer', 'Newcomer', 'consumer');
      governance.agencyList = [...governance.agencyList, newcomer];
      expect((await reports.agencies(callerOf(WORKING_GROUP))).map((a) => a.id)).toContain(newcomer.id);
    });

    it('shows the working group every agency, each reportable but the working group itself', async () => {
      expect((await reports.agencies(callerOf(WORKING_GROUP))).map((a) => [a.id, a.reportable])).toEqual([
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
      expect(report.agreements.map((a) => [a.agreement, a.status, a.resolution])).toEqual([
        [LEGACY.id, 'active', null],
        [TAX_ADDRESS.id, 'revoked', TAX_ADDRESS.resolution],
        [TAX_IDENTITY.id, 'active', TAX_IDENTITY.resolution],
      ]);
    });

    it("gives a provider's report the agreements on its services, from every consumer, whatever their status", async () => {
      const report = await reports.agencyReport(callerOf(CIVIL), CIVIL.id, parseServiceLevelQuery({}, NOW));

      expect(report.agreements.map((a) => [a.agreement, a.consumer, a.status])).toEqual([
        [LEGACY.id, TAX.id, 'active'],
        [SOCIAL_IDENTITY.id, SOCIAL.id, 'suspended'],
        [TAX_IDENTITY.id, TAX.id, 'active'],
      ]);
      expect(report.labels.agencies).toMatchObject({ [TAX.id]: TAX.name, [SOCIAL.id]: SOCIAL.name });
    });
  });
});
