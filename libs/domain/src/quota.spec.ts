import { DailyQuota, ProblemError, dayOf, type Agreement, type CalendarDay } from '@nix/domain';

function agreement(id: string, dailyQuota: number): Agreement {
  return {
    id,
    consumer: 'tax-organization',
    registry: 'identity',
    service: 'person',
    dataItems: ['firstName'],
    purposes: ['taxpayer-registration'],
    validFrom: '2026-03-21',
    validUntil: '2027-03-20',
    dailyQuota,
  };
}

const noon = Date.parse('2026-06-01T08:30:00Z'); // 12:00 in Tehran
const today: CalendarDay = dayOf(noon);
const tomorrow: CalendarDay = dayOf(today.endsAt);

function refusal(quota: DailyQuota, a: Agreement, day: CalendarDay, now: number): ProblemError {
  try {
    quota.consume(a, day, now);
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemError);
    return error as ProblemError;
  }
  throw new Error('the quota allowed the inquiry');
}

describe('DailyQuota', () => {
  it('counts inquiries and answers how many remain today', () => {
    const quota = new DailyQuota();
    const a = agreement('a', 3);
    expect(quota.consume(a, today, noon)).toBe(2);
    expect(quota.consume(a, today, noon)).toBe(1);
    expect(quota.consume(a, today, noon)).toBe(0);
    expect(quota.usedToday('a', today.date)).toBe(3);
  });

  it('refuses the inquiry over the quota with quota-exceeded (429)', () => {
    const quota = new DailyQuota();
    const a = agreement('tax-identity-person-1405', 2);
    quota.consume(a, today, noon);
    quota.consume(a, today, noon);
    const problem = refusal(quota, a, today, noon);
    expect(problem.problemType).toBe('quota-exceeded');
    expect(problem.status).toBe(429);
    expect(problem.outcome).toBe('over-quota');
    expect(problem.detail).toContain('tax-identity-person-1405');
    expect(problem.detail).toContain('2 inquiries a day');
    expect(problem.extras.quota).toBe(2);
    // A refused inquiry is not counted.
    expect(quota.usedToday('tax-identity-person-1405', today.date)).toBe(2);
  });

  it.each([
    ['at Tehran noon', noon, 12 * 3600],
    ['1.5 s before midnight', today.endsAt - 1500, 2],
    ['exactly 1 s before midnight', today.endsAt - 1000, 1],
    ['1 ms before midnight', today.endsAt - 1, 1],
    ['at the start of the day', today.startsAt, 24 * 3600],
    ['just after midnight on a stale day', today.endsAt + 5, 1],
  ])('asks to retry when the day ends, %s', (_when, now, seconds) => {
    const quota = new DailyQuota();
    const a = agreement('a', 1);
    quota.consume(a, today, now);
    const problem = refusal(quota, a, today, now);
    expect(problem.extras.retryAfterSeconds).toBe(seconds);
    expect(problem.toDetails().retryAfter).toBe(seconds);
  });

  it('counts each agreement on its own', () => {
    const quota = new DailyQuota();
    const a = agreement('a', 1);
    const b = agreement('b', 1);
    quota.consume(a, today, noon);
    expect(quota.consume(b, today, noon)).toBe(0);
    expect(refusal(quota, a, today, noon).problemType).toBe('quota-exceeded');
    expect(refusal(quota, b, today, noon).problemType).toBe('quota-exceeded');
  });

  it('starts afresh on a new day', () => {
    const quota = new DailyQuota();
    const a = agreement('a', 2);
    quota.consume(a, today, noon);
    quota.consume(a, today, noon);
    expect(refusal(quota, a, today, noon).problemType).toBe('quota-exceeded');
    expect(quota.consume(a, tomorrow, tomorrow.startsAt)).toBe(1);
    expect(quota.usedToday('a', tomorrow.date)).toBe(1);
    expect(quota.usedToday('a', today.date)).toBe(0);
  });

  it('answers 0 used for an agreement never consumed', () => {
    expect(new DailyQuota().usedToday('a', today.date)).toBe(0);
  });

  it("folds in other instances' counts from credit", () => {
    const quota = new DailyQuota();
    const a = agreement('a', 5);
    quota.consume(a, today, noon);
    quota.credit('a', today.date, 3);
    expect(quota.consume(a, today, noon)).toBe(0);
    expect(refusal(quota, a, today, noon).extras.quota).toBe(5);
    // usedToday is this instance's own count.
    expect(quota.usedToday('a', today.date)).toBe(2);
  });

  it('refuses at once when other instances already used the whole quota', () => {
    const quota = new DailyQuota();
    const a = agreement('a', 5);
    quota.credit('a', today.date, 5);
    expect(refusal(quota, a, today, noon).problemType).toBe('quota-exceeded');
    expect(quota.usedToday('a', today.date)).toBe(0);
  });

  it('replaces, not adds to, the previous credit', () => {
    const quota = new DailyQuota();
    const a = agreement('a', 5);
    quota.credit('a', today.date, 4);
    quota.credit('a', today.date, 1);
    expect(quota.consume(a, today, noon)).toBe(3);
  });

  it("does not carry yesterday's credit into today", () => {
    const quota = new DailyQuota();
    const a = agreement('a', 5);
    quota.credit('a', today.date, 5);
    expect(quota.consume(a, tomorrow, tomorrow.startsAt + 1000)).toBe(4);
  });
});
