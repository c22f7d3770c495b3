import {
  CatalogueInputError,
  checkDeprecation,
  checkMaintenanceWindow,
  checkNotInMaintenance,
  checkNotRetired,
  deprecationHeaders,
  instantOf,
  isWithinHours,
  upcomingMaintenance,
  type MaintenanceWindow,
} from '@nix/catalog';
import { ProblemError } from '@nix/domain';

const NOW = new Date('2026-12-01T10:00:00Z');
const DEPRECATED = {
  registry: 'cadastre',
  service: 'parcel',
  version: '1.0.0',
  deprecation: { deprecatedAt: '2026-11-30T12:00:00.000Z', sunset: '2027-03-21T00:00:00.000Z', successor: '2.0.0' },
};

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
const inputErrors = (run: () => unknown) => {
  const error = thrown(run);
  expect(error).toBeInstanceOf(CatalogueInputError);
  return (error as CatalogueInputError).errors;
};

describe('deprecation and sunset', () => {
  it('gives RFC 9745 Deprecation, RFC 8594 Sunset and the successor link for a deprecated version', () => {
    expect(deprecationHeaders(DEPRECATED)).toEqual({
      Deprecation: `@${Date.parse('2026-11-30T12:00:00Z') / 1000}`,
      Sunset: 'Sun, 21 Mar 2027 00:00:00 GMT',
      Link: '</v1/services/cadastre/parcel/versions/2.0.0>; rel="successor-version"',
    });
    expect(deprecationHeaders({ ...DEPRECATED, deprecation: { ...DEPRECATED.deprecation, successor: null } })).not.toHaveProperty('Link');
    expect(deprecationHeaders({ ...DEPRECATED, deprecation: null })).toEqual({});
  });

  it('answers 410 service-retired naming the successor from the sunset on, not before', () => {
    expect(() => checkNotRetired(DEPRECATED, new Date('2027-03-20T23:59:59Z'))).not.toThrow();
    const problem = thrown(() => checkNotRetired(DEPRECATED, new Date('2027-03-21T00:00:00Z'))) as ProblemError;
    expect(problem).toBeInstanceOf(ProblemError);
    expect(problem.status).toBe(410);
    expect(problem.problemType).toBe('service-retired');
    expect(problem.detail).toBe('cadastre/parcel 1.0.0 was retired at 2027-03-21T00:00:00.000Z. Use 2.0.0 (X-Service-Version: 2.0.0).');
    expect(problem.extras).toMatchObject({ successor: '2.0.0', sunset: '2027-03-21T00:00:00.000Z' });
    expect(() => checkNotRetired({ ...DEPRECATED, deprecation: null }, new Date('2099-01-01T00:00:00Z'))).not.toThrow();
  });

  it('checks a deprecation: a future sunset, a greater published successor or null', () => {
    const published = ['1.0.0', '1.1.0', '2.0.0'];
    expect(checkDeprecation({ sunset: '2027-03-21', successor: '2.0.0' }, '1.0.0', published, NOW)).toEqual({ sunset: '2027-03-20T20:30:00.000Z', successor: '2.0.0' });
    expect(checkDeprecation({ sunset: '2027-03-21T00:00:00Z' }, '1.0.0', published, NOW)).toEqual({ sunset: '2027-03-21T00:00:00.000Z', successor: null });
    expect(inputErrors(() => checkDeprecation({ sunset: '2026-11-01', successor: '2.0.0' }, '1.0.0', published, NOW))).toEqual([{ pointer: '/sunset', detail: 'must be in the future' }]);
    expect(inputErrors(() => checkDeprecation({ sunset: 'next spring' }, '1.0.0', published, NOW))[0].pointer).toBe('/sunset');
    expect(inputErrors(() => checkDeprecation({ sunset: '2027-03-21T00:00:00' }, '1.0.0', published, NOW))[0].pointer).toBe('/sunset');
    expect(inputErrors(() => checkDeprecation({ sunset: '2027-03-21', successor: '3.0.0' }, '1.0.0', published, NOW))).toEqual([
      { pointer: '/successor', detail: 'must be a published version of this service (published: 1.0.0, 1.1.0, 2.0.0) or null' },
    ]);
    expect(inputErrors(() => checkDeprecation({ sunset: '2027-03-21', successor: '1.0.0' }, '1.1.0', published, NOW))).toEqual([
      { pointer: '/successor', detail: 'must be greater than 1.1.0' },
    ]);
    expect(inputErrors(() => checkDeprecation({ sunset: '2027-03-21', reason: 'x' }, '1.0.0', published, NOW))).toEqual([{ pointer: '/reason', detail: 'is not a field of a deprecation' }]);
  });
});

describe('maintenance windows', () => {
  const window = (id: string, from: string, until: string, service = 'parcel'): MaintenanceWindow => ({
    id,
    registry: 'cadastre',
    service,
    from,
    until,
    note: { fa: 'به‌روزرسانی', en: 'Upgrade' },
    announcedBy: 'cadastre-org',
    announcedAt: '2026-11-30T00:00:00.000Z',
  });

  it('answers 503 maintenance inside a window, with Retry-After until its end', () => {
    const windows = [window('a', '2026-12-01T09:00:00Z', '2026-12-01T10:30:00Z')];
    const problem = thrown(() => checkNotInMaintenance(windows, 'cadastre', 'parcel', NOW)) as ProblemError;
    expect(problem).toBeInstanceOf(ProblemError);
    expect(problem.status).toBe(503);
    expect(problem.problemType).toBe('maintenance');
    expect(problem.extras).toMatchObject({ retryAfterSeconds: 1800, until: '2026-12-01T10:30:00.000Z', note: { fa: 'به‌روزرسانی', en: 'Upgrade' } });
  });

  it('lets inquiries through before a window, after it, and for other services', () => {
    const windows = [window('a', '2026-12-01T10:00:01Z', '2026-12-01T11:00:00Z'), window('b', '2026-12-01T08:00:00Z', '2026-12-01T10:00:00Z'), window('c', '2026-12-01T09:00:00Z', '2026-12-01T11:00:00Z', 'owner')];
    expect(() => checkNotInMaintenance(windows, 'cadastre', 'parcel', NOW)).not.toThrow();
  });

  it('retries after the last of the windows that follow on without a gap', () => {
    const windows = [window('a', '2026-12-01T09:00:00Z', '2026-12-01T10:30:00Z'), window('b', '2026-12-01T10:30:00Z', '2026-12-01T11:00:00Z'), window('c', '2026-12-01T12:00:00Z', '2026-12-01T13:00:00Z')];
    const problem = thrown(() => checkNotInMaintenance(windows, 'cadastre', 'parcel', NOW)) as ProblemError;
    expect(problem.extras.retryAfterSeconds).toBe(3600);
  });

  it('lists the windows not yet ended, soonest first', () => {
    const windows = [window('late', '2026-12-05T00:00:00Z', '2026-12-05T02:00:00Z'), window('past', '2026-11-01T00:00:00Z', '2026-11-01T02:00:00Z'), window('now', '2026-12-01T09:00:00Z', '2026-12-01T11:00:00Z')];
    expect(upcomingMaintenance(windows, 'cadastre', 'parcel', NOW).map((w) => w.id)).toEqual(['now', 'late']);
  });

  it('checks a window: date-times or days, until after from and in the future, a bilingual note', () => {
    const note = { fa: 'به‌روزرسانی', en: 'Upgrade' };
    expect(checkMaintenanceWindow({ from: '2026-12-02T01:00:00+03:30', until: '2026-12-02T03:00:00+03:30', note }, NOW)).toEqual({
      from: '2026-12-01T21:30:00.000Z',
      until: '2026-12-01T23:30:00.000Z',
      note,
    });
    expect(inputErrors(() => checkMaintenanceWindow({ from: '2026-12-02T03:00:00Z', until: '2026-12-02T01:00:00Z', note }, NOW))).toEqual([{ pointer: '/until', detail: 'must be after from' }]);
    expect(inputErrors(() => checkMaintenanceWindow({ from: '2026-11-02', until: '2026-11-03', note }, NOW))).toEqual([{ pointer: '/until', detail: 'must be in the future' }]);
    expect(inputErrors(() => checkMaintenanceWindow({ from: 'soon', until: '2026-12-03', note }, NOW))[0].pointer).toBe('/from');
    expect(inputErrors(() => checkMaintenanceWindow({ from: '2026-12-02', until: '2026-12-03', note: { en: 'Upgrade' } }, NOW))).toEqual([
      { pointer: '/note', detail: 'must have non-empty fa and en texts' },
    ]);
  });
});

describe('service hours', () => {
  const officeHours = [{ days: ['sat' as const, 'sun' as const, 'mon' as const, 'tue' as const, 'wed' as const], from: '08:00', until: '16:00' }];

  it('reads the schedule in Tehran time', () => {
    // 2026-12-05 is a Saturday; Tehran is UTC+03:30.
    expect(isWithinHours(officeHours, new Date('2026-12-05T04:30:00Z'))).toBe(true);
    expect(isWithinHours(officeHours, new Date('2026-12-05T04:29:59Z'))).toBe(false);
    expect(isWithinHours(officeHours, new Date('2026-12-05T12:30:00Z'))).toBe(false);
    // Friday morning in Tehran.
    expect(isWithinHours(officeHours, new Date('2026-12-04T06:00:00Z'))).toBe(false);
    expect(isWithinHours('24x7', new Date('2026-12-04T06:00:00Z'))).toBe(true);
  });

  it('parses instants with their offset, and days as Tehran midnight', () => {
    expect(instantOf('2027-03-21')?.toISOString()).toBe('2027-03-20T20:30:00.000Z');
    expect(instantOf('2027-03-21T10:00:00.5+03:30')?.toISOString()).toBe('2027-03-21T06:30:00.500Z');
    for (const bad of ['2027-02-30', '2027-03-21T10:00', '21/03/2027', 42]) expect([bad, instantOf(bad)]).toEqual([bad, null]);
  });
});
