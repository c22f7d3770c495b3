import { DayTracker, NATIONAL_TIME_ZONE, dayOf, toJalaliDate } from '@nix/domain';

const at = (iso: string) => Date.parse(iso);

describe('dayOf', () => {
  it('counts days in Asia/Tehran', () => {
    expect(NATIONAL_TIME_ZONE).toBe('Asia/Tehran');
  });

  it('keeps 20:29:59 UTC in the same Tehran day (UTC+3:30)', () => {
    expect(dayOf(at('2026-03-20T20:29:59Z'))).toEqual({
      date: '2026-03-20',
      startsAt: at('2026-03-19T20:30:00Z'),
      endsAt: at('2026-03-20T20:30:00Z'),
    });
  });

  it('starts the next Tehran day at 20:30:00 UTC', () => {
    expect(dayOf(at('2026-03-20T20:30:00Z'))).toEqual({
      date: '2026-03-21',
      startsAt: at('2026-03-20T20:30:00Z'),
      endsAt: at('2026-03-21T20:30:00Z'),
    });
  });

  it('puts midday UTC and the last millisecond before Tehran midnight in one day', () => {
    expect(dayOf(at('2026-07-01T12:00:00Z')).date).toBe('2026-07-01');
    expect(dayOf(at('2026-07-01T20:29:59.999Z')).date).toBe('2026-07-01');
    expect(dayOf(at('2026-07-01T20:30:00.000Z')).date).toBe('2026-07-02');
  });

  it('gives 24-hour days in summer too (Iran keeps no daylight saving time)', () => {
    const summer = dayOf(at('2026-07-01T12:00:00Z'));
    expect(summer.startsAt).toBe(at('2026-06-30T20:30:00Z'));
    expect(summer.endsAt - summer.startsAt).toBe(24 * 3600 * 1000);
  });

  it('can count days in another zone', () => {
    expect(dayOf(at('2026-03-20T20:30:00Z'), 'UTC')).toEqual({
      date: '2026-03-20',
      startsAt: at('2026-03-20T00:00:00Z'),
      endsAt: at('2026-03-21T00:00:00Z'),
    });
  });
});

describe('DayTracker', () => {
  it('answers the Tehran day of each instant', () => {
    const tracker = new DayTracker();
    expect(tracker.at(at('2026-03-20T20:29:59Z')).date).toBe('2026-03-20');
    expect(tracker.at(at('2026-03-20T20:30:00Z')).date).toBe('2026-03-21');
    expect(tracker.at(at('2026-03-21T20:29:59.999Z')).date).toBe('2026-03-21');
    expect(tracker.at(at('2026-03-21T20:30:00Z')).date).toBe('2026-03-22');
  });

  it('reuses the day until its boundary passes', () => {
    const tracker = new DayTracker();
    const morning = tracker.at(at('2026-03-21T04:00:00Z'));
    expect(tracker.at(at('2026-03-21T18:00:00Z'))).toBe(morning);
    expect(tracker.at(at('2026-03-21T20:30:00Z'))).not.toBe(morning);
  });

  it('recomputes when the clock goes back past the start of the day', () => {
    const tracker = new DayTracker();
    tracker.at(at('2026-03-21T04:00:00Z'));
    expect(tracker.at(at('2026-03-20T20:29:59Z')).date).toBe('2026-03-20');
  });

  it('follows the zone it was given', () => {
    const tracker = new DayTracker('UTC');
    expect(tracker.at(at('2026-03-20T20:30:00Z')).date).toBe('2026-03-20');
  });
});

describe('toJalaliDate', () => {
  it.each([
    ['1988-03-21', '1367-01-01'],
    ['2026-03-21', '1405-01-01'],
    ['2026-03-20', '1404-12-29'],
    ['2025-03-20', '1403-12-30'],
    ['2025-03-21', '1404-01-01'],
    ['2004-05-10', '1383-02-21'],
    ['1941-08-15', '1320-05-24'],
    ['2024-12-31', '1403-10-11'],
  ])('converts %s to %s', (gregorian, jalali) => {
    expect(toJalaliDate(gregorian)).toBe(jalali);
  });
});
