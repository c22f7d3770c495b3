import { agreementStandings, expiringAgreements, findingRows, inForceDuring, risingErrorRates, silentAgencies, unusedAgreements, type ReportedAgreement } from './compliance';

const agreement = (id: string, consumer: string, validFrom: string, validUntil: string, standing: Partial<Pick<ReportedAgreement, 'status' | 'resolution'>> = {}): ReportedAgreement => ({
  id,
  consumer,
  registry: 'identity',
  service: 'person',
  dataItems: ['alive'],
  purposes: ['p'],
  validFrom,
  validUntil,
  dailyQuota: 10,
  resolution: standing.resolution ?? null,
  status: standing.status ?? 'active',
});

const AUTUMN = { first: '2026-09-23', last: '2026-12-21' };
const TAX = agreement('tax-1', 'tax', '2026-03-21', '2027-03-20');
const SSO = agreement('sso-1', 'sso', '2026-03-21', '2026-12-01');
const OLD = agreement('old-1', 'old', '2020-01-01', '2026-09-22');

describe('compliance findings', () => {
  it('takes an agreement as in force when it overlaps the period by a day or more', () => {
    expect([TAX, SSO, OLD].filter((a) => inForceDuring(a, AUTUMN)).map((a) => a.id)).toEqual(['tax-1', 'sso-1']);
    expect(inForceDuring(agreement('x', 'x', '2026-12-21', '2027-01-01'), AUTUMN)).toBe(true);
  });

  it('lists agencies holding agreements that sent no traffic at all', () => {
    expect(silentAgencies([TAX, SSO, agreement('sso-2', 'sso', '2026-01-01', '2027-01-01')], new Set(['tax']))).toEqual([{ agency: 'sso', agreements: ['sso-1', 'sso-2'] }]);
  });

  it('lists agreements no inquiry was made under', () => {
    expect(unusedAgreements([TAX, SSO], new Set(['tax-1'])).map((a) => a.agreement)).toEqual(['sso-1']);
  });

  it('lists agreements in force whose last day is near, soonest first', () => {
    expect(expiringAgreements([TAX, SSO, OLD], '2026-11-23', 30)).toEqual([
      { agreement: 'sso-1', consumer: 'sso', registry: 'identity', service: 'person', validFrom: '2026-03-21', validUntil: '2026-12-01', status: 'active', resolution: null, daysLeft: 8 },
    ]);
    expect(expiringAgreements([SSO], '2026-12-01', 30)[0].daysLeft).toBe(0);
    expect(expiringAgreements([SSO], '2026-12-02', 30)).toEqual([]);
  });

  it('keeps a suspended agreement near expiry, but not a revoked one: revocation has already ended it', () => {
    const suspended = { ...SSO, status: 'suspended' as const, resolution: 'WG-1405-12: suspended pending audit' };
    expect(expiringAgreements([suspended], '2026-11-23', 30)).toEqual([expect.objectContaining({ agreement: 'sso-1', status: 'suspended', resolution: 'WG-1405-12: suspended pending audit' })]);
    expect(expiringAgreements([{ ...SSO, status: 'revoked' }], '2026-11-23', 30)).toEqual([]);
  });

  it('lists every agreement with its status and resolution, suspended and revoked ones too', () => {
    const revoked = agreement('b-1', 'b', '2026-01-01', '2027-01-01', { status: 'revoked', resolution: 'WG-1405-20: revoked' });
    expect(agreementStandings([TAX, revoked]).map((a) => [a.agreement, a.status, a.resolution])).toEqual([
      ['b-1', 'revoked', 'WG-1405-20: revoked'],
      ['tax-1', 'active', null],
    ]);
  });

  it('lists services whose error rate rose against the previous period', () => {
    const service = (registry: string, providerFailures: number, answered: number) => ({
      registry,
      service: 's',
      provider: `${registry}-custodian`,
      counts: { answered, refused: 0, providerFailures, brokerErrors: 0 },
    });
    const rising = risingErrorRates([service('goods', 10, 10), service('identity', 1, 99)], [service('goods', 0, 20), service('identity', 1, 99)]);
    expect(rising).toEqual([{ registry: 'goods', service: 's', provider: 'goods-custodian', previous: { accepted: 20, errorRate: 0 }, current: { accepted: 20, errorRate: 0.5 } }]);
  });

  it('flattens every finding into CSV rows', () => {
    const rows = findingRows({
      agreements: agreementStandings([agreement('sso-1', 'sso', '2026-01-01', '2027-01-01', { status: 'suspended', resolution: 'WG-7' })]),
      silentAgencies: [{ agency: 'sso', agreements: ['sso-1'] }],
      unusedAgreements: [],
      refusals: [{ consumer: 'tax', outcome: 'over-quota', reason: 'quota-exceeded', count: 4 }],
      risingErrorRates: [],
      expiringAgreements: [],
      unacknowledgedNotifications: [{ agency: 'pension-fund', expired: 3 }],
    });
    expect(rows.map((r) => [r.finding, r.agency, r.reason, r.count, r.status, r.resolution])).toEqual([
      ['agreement', 'sso', null, null, 'suspended', 'WG-7'],
      ['silent-agency', 'sso', null, null, null, null],
      ['refusal', 'tax', 'quota-exceeded', 4, null, null],
      ['unacknowledged-notifications', 'pension-fund', null, 3, null, null],
    ]);
  });
});
