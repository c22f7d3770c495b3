import { ProblemError } from '@nix/domain';
import { calendarPeriodOf, describePeriod, parsePeriod, periodBuckets, previousPeriod, rangePeriod, rollupGrainFor, type ReportPeriod } from './period';

const at = (iso: string) => Date.parse(iso);
// 2 Azar 1405, a Monday afternoon in Tehran.
const NOW = at('2026-11-23T10:00:00Z');

function span(period: ReportPeriod): [string, string] {
  return [new Date(period.from).toISOString(), new Date(period.to).toISOString()];
}

function problemOf(run: () => unknown): ProblemError {
  try {
    run();
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('expected a problem');
}

describe('Solar Hijri months and seasons, in Tehran time', () => {
  it('starts 1405 at Tehran midnight of 21 March 2026, which is 20:30 UTC the day before', () => {
    const farvardin = calendarPeriodOf('jalali-month', '1405-01', NOW);
    expect(span(farvardin)).toEqual(['2026-03-20T20:30:00.000Z', '2026-04-20T20:30:00.000Z']);
    expect(farvardin.key).toBe('jalali-month:1405-01');
  });

  it('gives Mehr, the first month of autumn, 30 days, and Esfand 1405 29', () => {
    const mehr = calendarPeriodOf('jalali-month', '1405-07', NOW);
    expect(span(mehr)).toEqual(['2026-09-22T20:30:00.000Z', '2026-10-22T20:30:00.000Z']);
    const esfand = calendarPeriodOf('jalali-month', '1405-12', NOW);
    expect(span(esfand)).toEqual(['2027-02-19T20:30:00.000Z', '2027-03-20T20:30:00.000Z']);
  });

  it('cuts the year into four seasons of three months: spring, summer, autumn, winter', () => {
    expect(span(calendarPeriodOf('jalali-quarter', '1405-Q1', NOW))).toEqual(['2026-03-20T20:30:00.000Z', '2026-06-21T20:30:00.000Z']);
    expect(span(calendarPeriodOf('jalali-quarter', '1405-Q2', NOW))).toEqual(['2026-06-21T20:30:00.000Z', '2026-09-22T20:30:00.000Z']);
    expect(span(calendarPeriodOf('jalali-quarter', '1405-Q3', NOW))).toEqual(['2026-09-22T20:30:00.000Z', '2026-12-21T20:30:00.000Z']);
    expect(span(calendarPeriodOf('jalali-quarter', '1405-Q4', NOW))).toEqual(['2026-12-21T20:30:00.000Z', '2027-03-20T20:30:00.000Z']);
  });

  it('finds the current season and month from the clock', () => {
    expect(parsePeriod({ period: 'jalali-quarter' }, NOW).key).toBe('jalali-quarter:1405-Q3');
    expect(parsePeriod({ period: 'jalali-month' }, NOW).key).toBe('jalali-month:1405-09');
    // The first instant of 1405 belongs to spring 1405, the one before to winter 1404.
    expect(parsePeriod({ period: 'jalali-quarter' }, at('2026-03-20T20:30:00Z')).key).toBe('jalali-quarter:1405-Q1');
    expect(parsePeriod({ period: 'jalali-quarter' }, at('2026-03-20T20:29:59.999Z')).key).toBe('jalali-quarter:1404-Q4');
  });

  it('describes a season in both calendars', () => {
    const autumn = describePeriod(calendarPeriodOf('jalali-quarter', '1405-Q3', NOW));
    expect(autumn).toMatchObject({
      kind: 'jalali-quarter',
      key: 'jalali-quarter:1405-Q3',
      from: '2026-09-22T20:30:00.000Z',
      to: '2026-12-21T20:30:00.000Z',
      gregorian: { first: '2026-09-23', last: '2026-12-21' },
      jalali: { first: '1405-07-01', last: '1405-09-30' },
      hours: 90 * 24,
      roundedToHours: false,
    });
    expect(autumn.label.fa).toContain('پاییز ۱۴۰۵');
    expect(autumn.label.en).toContain('Autumn 1405, Q3');
  });
});

describe('days and Gregorian months', () => {
  it('takes today in Tehran when no period is given', () => {
    expect(span(parsePeriod({}, NOW))).toEqual(['2026-11-22T20:30:00.000Z', '2026-11-23T20:30:00.000Z']);
    expect(parsePeriod({ period: 'day' }, NOW).key).toBe('day:2026-11-23');
  });

  it('reads a named day and a named month', () => {
    expect(span(parsePeriod({ period: 'day:2026-03-21' }, NOW))).toEqual(['2026-03-20T20:30:00.000Z', '2026-03-21T20:30:00.000Z']);
    expect(span(parsePeriod({ period: 'month:2026-11' }, NOW))).toEqual(['2026-10-31T20:30:00.000Z', '2026-11-30T20:30:00.000Z']);
  });

  it('steps back to the previous day, month and season', () => {
    expect(previousPeriod(parsePeriod({ period: 'day:2026-03-21' }, NOW)).key).toBe('day:2026-03-20');
    expect(previousPeriod(parsePeriod({ period: 'month:2026-01' }, NOW)).key).toBe('month:2025-12');
    expect(previousPeriod(parsePeriod({ period: 'jalali-quarter:1405-Q1' }, NOW)).key).toBe('jalali-quarter:1404-Q4');
    const range = rangePeriod('2026-11-20', '2026-11-23');
    expect(span(previousPeriod(range))).toEqual(['2026-11-16T20:30:00.000Z', '2026-11-19T20:30:00.000Z']);
  });
});

describe('from/to ranges', () => {
  it('widens a range outward to whole Tehran hours, which start at :30 UTC, and says so', () => {
    const range = parsePeriod({ from: '2026-11-23T10:15:00Z', to: '2026-11-23T12:00:00Z' }, NOW);
    expect(span(range)).toEqual(['2026-11-23T09:30:00.000Z', '2026-11-23T12:30:00.000Z']);
    expect(range.roundedToHours).toBe(true);
    expect(describePeriod(range).roundedToHours).toBe(true);
  });

  it('takes every offset in use, from -12:00 to +14:00', () => {
    expect(parsePeriod({ from: '2026-11-23T00:00+14:00', to: '2026-11-24T00:00-12:00' }, NOW).kind).toBe('range');
    expect(parsePeriod({ from: '2026-11-23T00:00:00.5+0545', to: '2026-11-24T00:00Z' }, NOW).kind).toBe('range');
  });

  it('keeps a range already on Tehran hours, and reads dates as Tehran midnight', () => {
    const range = parsePeriod({ from: '2026-11-23T14:00+03:30', to: '2026-11-24' }, NOW);
    expect(span(range)).toEqual(['2026-11-23T10:30:00.000Z', '2026-11-23T20:30:00.000Z']);
    expect(range.roundedToHours).toBe(false);
  });

  it.each([
    [{ from: '2026-11-23', to: '2026-11-23' }, 'query:to', 'later than from'],
    [{ from: '2026-11-24', to: '2026-11-23' }, 'query:to', 'later than from'],
    [{ from: '2025-01-01', to: '2026-11-23' }, 'query:to', 'at most 400 days'],
    [{ from: 'yesterday', to: '2026-11-23' }, 'query:from', 'ISO 8601'],
    [{ from: '2026-02-30', to: '2026-03-02' }, 'query:from', 'ISO 8601'],
    [{ from: '2026-11-23' }, 'query:to', 'required'],
    [{ to: '2026-11-23' }, 'query:from', 'required'],
    [{ from: '2026-11-23T00:00+99:99', to: '2026-11-24' }, 'query:from', 'impossible UTC offset'],
    [{ from: '2026-11-23', to: '2026-11-24T00:00:00+14:01' }, 'query:to', 'impossible UTC offset'],
    [{ from: '2026-11-23T00:00-1230', to: '2026-11-24' }, 'query:from', 'impossible UTC offset'],
    [{ from: '2026-11-23T00:00+03:60', to: '2026-11-24' }, 'query:from', 'impossible UTC offset'],
    [{ period: 'day', from: '2026-11-23', to: '2026-11-24' }, 'query:period', 'cannot be combined'],
    [{ period: 'week' }, 'query:period', 'must be one of'],
    [{ period: 'day:2026-02-30' }, 'query:period', 'Gregorian date'],
    [{ period: 'month:2026-13' }, 'query:period', 'Gregorian month'],
    [{ period: 'jalali-month:1405-13' }, 'query:period', 'Solar Hijri month'],
    [{ period: 'jalali-quarter:1405-Q5' }, 'query:period', 'season'],
    [{ period: 'jalali-quarter:2026-Q1' }, 'query:period', 'between 1379 and 1479'],
  ])('refuses %j with a 400 invalid-period naming %s', (query, pointer, reason) => {
    const problem = problemOf(() => parsePeriod(query, NOW));
    expect(problem.status).toBe(400);
    expect(problem.problemType).toBe('invalid-period');
    expect(problem.extras.errors).toEqual([{ pointer, detail: expect.stringContaining(reason) }]);
  });
});

describe('period buckets', () => {
  it('cuts a season into its three Solar Hijri months', () => {
    const buckets = periodBuckets(calendarPeriodOf('jalali-quarter', '1405-Q3', NOW), 'jalali-month');
    expect(buckets.map((b) => b.key)).toEqual(['1405-07', '1405-08', '1405-09']);
    expect(new Date(buckets[1].from).toISOString()).toBe('2026-10-22T20:30:00.000Z');
    expect(buckets[2].to).toBe(at('2026-12-21T20:30:00Z'));
  });

  it('cuts a day into 24 Tehran hours, keyed with the Tehran offset', () => {
    const buckets = periodBuckets(parsePeriod({ period: 'day:2026-11-23' }, NOW), 'hour');
    expect(buckets).toHaveLength(24);
    expect(buckets[0].key).toBe('2026-11-23T00:00+03:30');
    expect(buckets[23].key).toBe('2026-11-23T23:00+03:30');
  });

  it('keeps partial days at the ends of a range', () => {
    const buckets = periodBuckets(rangePeriod('2026-11-22T18:00+03:30', '2026-11-24T06:00+03:30'), 'day');
    expect(buckets.map((b) => b.key)).toEqual(['2026-11-22', '2026-11-23', '2026-11-24']);
    expect(buckets[0].to - buckets[0].from).toBe(6 * 3600_000);
    expect(buckets[2].to - buckets[2].from).toBe(6 * 3600_000);
  });

  it('refuses an interval that would make too many rows', () => {
    const problem = problemOf(() => periodBuckets(rangePeriod('2026-01-01', '2026-11-01'), 'hour'));
    expect(problem.extras.errors).toEqual([{ pointer: 'query:interval', detail: expect.stringContaining('more than 1000 rows') }]);
  });
});

describe('rollupGrainFor', () => {
  it('reads the daily rollup when a month and its day buckets cut at Tehran midnights', () => {
    const month = calendarPeriodOf('jalali-month', undefined, at('2026-11-23T12:00:00Z'));
    expect(rollupGrainFor([month.from, month.to, ...periodBuckets(month, 'day').map((b) => b.from)])).toBe('day');
  });

  it('reads the hourly rollup when any cut is not a Tehran midnight: an hourly bucket, or a UTC midnight', () => {
    const day = calendarPeriodOf('day', undefined, at('2026-11-23T12:00:00Z'));
    expect(rollupGrainFor([day.from, day.to, ...periodBuckets(day, 'hour').map((b) => b.from)])).toBe('hour');
    expect(rollupGrainFor([at('2026-11-01T00:00:00Z'), at('2026-11-02T00:00:00Z')])).toBe('hour');
    // Tehran midnight is 20:30 UTC the day before.
    expect(rollupGrainFor([at('2026-10-31T20:30:00Z'), at('2026-11-01T20:30:00Z')])).toBe('day');
  });
});
