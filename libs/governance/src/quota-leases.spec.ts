import { ProblemError, type Agreement, type CalendarDay } from '@nix/domain';
import { QuotaLeases, quotaSlice } from './quota-leases';
import { MemoryQuotaCounter } from './testing';

const DAY: CalendarDay = { date: '2026-11-30', startsAt: Date.UTC(2026, 10, 29, 20, 30), endsAt: Date.UTC(2026, 10, 30, 20, 30) };
const agreement = (dailyQuota: number, id = 'ag-1'): Agreement => ({
  id,
  consumer: 'tax-organization',
  registry: 'identity',
  service: 'person',
  dataItems: ['firstName'],
  purposes: ['tax-assessment'],
  validFrom: '2026-01-01',
  validUntil: '2026-12-31',
  dailyQuota,
});

async function problemOf(act: Promise<unknown>): Promise<ProblemError> {
  const error = await act.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof ProblemError)) throw new Error(`expected a problem, got ${String(error)}`);
  return error;
}

/** Spends until refused; answers how many were allowed. */
async function spend(leases: QuotaLeases, a: Agreement, max: number): Promise<number> {
  let allowed = 0;
  for (let i = 0; i < max; i++) {
    try {
      await leases.consume(a, DAY, DAY.startsAt);
      allowed++;
    } catch {
      return allowed;
    }
  }
  return allowed;
}

describe('QuotaLeases', () => {
  it('slices about 2 % of a quota, at least 1 and at most 500', () => {
    expect([1, 49, 100, 10_000, 1_000_000].map(quotaSlice)).toEqual([1, 1, 2, 200, 500]);
  });

  it('counts down one broker exactly, then refuses with 429 until midnight Tehran time', async () => {
    const leases = new QuotaLeases(new MemoryQuotaCounter());
    const a = agreement(100);
    const remaining: number[] = [];
    for (let i = 0; i < 100; i++) remaining.push(await leases.consume(a, DAY, DAY.startsAt));
    expect(remaining.slice(0, 3)).toEqual([99, 98, 97]);
    expect(remaining.at(-1)).toBe(0);
    const refused = await problemOf(leases.consume(a, DAY, DAY.endsAt - 90_000));
    expect([refused.status, refused.problemType, refused.extras.retryAfterSeconds]).toEqual([429, 'quota-exceeded', 90]);
  });

  it('holds the quota across brokers sharing one counter: together they never pass it', async () => {
    const counter = new MemoryQuotaCounter();
    const brokers = [new QuotaLeases(counter), new QuotaLeases(counter), new QuotaLeases(counter)];
    const a = agreement(1000);
    const allowed = await Promise.all(brokers.map((b) => spend(b, a, 1000)));
    expect(allowed.reduce((x, y) => x + y, 0)).toBe(1000);
    expect(counter.granted.get('ag-1/2026-11-30')).toBe(1000);
  });

  it('gives back what it leased and did not use, so that another broker can use it', async () => {
    const counter = new MemoryQuotaCounter();
    const first = new QuotaLeases(counter);
    const a = agreement(1000);
    await first.consume(a, DAY, DAY.startsAt);
    expect(counter.granted.get('ag-1/2026-11-30')).toBe(20);
    await first.releaseAll();
    expect(counter.granted.get('ag-1/2026-11-30')).toBe(1);
    expect(await spend(new QuotaLeases(counter), a, 2000)).toBe(999);
  });

  it('starts a new day from zero, and the counter forgets days a week old', async () => {
    const counter = new MemoryQuotaCounter();
    counter.granted.set('ag-1/2026-11-22', 5);
    counter.granted.set('ag-1/2026-11-23', 5);
    const leases = new QuotaLeases(counter);
    const a = agreement(1);
    await leases.consume(a, DAY, DAY.startsAt);
    await expect(leases.consume(a, DAY, DAY.startsAt)).rejects.toThrow(/used up/);
    const next: CalendarDay = { date: '2026-12-01', startsAt: DAY.endsAt, endsAt: DAY.endsAt + 86_400_000 };
    expect(await leases.consume(a, next, next.startsAt)).toBe(0);
    expect([...counter.granted.keys()]).toEqual(['ag-1/2026-11-30', 'ag-1/2026-12-01']);
  });

  it('without the counter, grants itself one slice, then 503; once the counter answers it adds what it granted itself', async () => {
    const counter = new MemoryQuotaCounter();
    const offline: number[] = [];
    const leases = new QuotaLeases(counter, { offlineGrant: (_id, size) => offline.push(size) });
    const a = agreement(500);
    counter.failure = new Error('store down');
    expect(await spend(leases, a, 50)).toBe(10);
    expect(offline).toEqual([10]);
    const unavailable = await problemOf(leases.consume(a, DAY, DAY.startsAt));
    expect([unavailable.status, unavailable.problemType]).toEqual([503, 'governance-unavailable']);
    counter.failure = null;
    expect(await spend(leases, a, 1000)).toBe(490);
    expect(counter.granted.get('ag-1/2026-11-30')).toBe(500);
  });

  it('applies a lowered quota from the next lease on: at most one slice over', async () => {
    const counter = new MemoryQuotaCounter();
    const leases = new QuotaLeases(counter);
    await leases.consume(agreement(1000), DAY, DAY.startsAt);
    expect(await spend(leases, agreement(5), 100)).toBe(19);
  });
});
