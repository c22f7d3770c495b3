import { ProblemError, type Agreement, type CalendarDay } from '@nix/domain';

/** The shared counter of each agreement's day (the store, for every broker of the cluster). */
export interface QuotaCounter {
  /** Grants up to `want` more of the day's `limit`, never past it; answers what was granted and the cluster's total. */
  lease(agreementId: string, day: string, want: number, limit: number): Promise<{ granted: number; total: number }>;
  /** Adds what was used while the counter could not be reached (no limit applies: it was used). */
  settle(agreementId: string, day: string, used: number): Promise<void>;
  /** Gives back what a broker leased and did not use (at shutdown). */
  release(agreementId: string, day: string, unused: number): Promise<void>;
  /** Forgets the days before this one. */
  prune(before: string): Promise<void>;
}

/** How many days of leases the counter keeps. */
export const QUOTA_DAYS_KEPT = 7;

export interface QuotaLeaseEvents {
  /** The counter could not be reached and the broker granted itself one slice on its own. */
  offlineGrant?(agreementId: string, size: number): void;
  leaseFailed?(error: Error): void;
}

/** The slice a broker leases at a time: about 2 % of the quota, at least 1, at most 500. */
export function quotaSlice(dailyQuota: number): number {
  return Math.max(1, Math.min(500, Math.floor(dailyQuota / 50)));
}

interface DayAllowance {
  agreementId: string;
  date: string;
  limit: number;
  leased: number;
  used: number;
  /** The cluster's total granted, as of this broker's last lease. */
  clusterTotal: number;
  /** Granted on its own while the counter was unreachable, not yet added to the counter. */
  unsettled: number;
  offlineSlices: number;
  /** Why the last lease failed, until one succeeds. */
  failure: Error | null;
  pending: Promise<void> | null;
}

/**
 * Daily quotas held across brokers: each broker leases slices of an agreement's day from a shared counter and spends
 * them locally, leasing the next slice before the last runs out. While the counter answers, the cluster never grants
 * more than the quota (a quota lowered during the day may be passed by what brokers already hold: at most one slice
 * each). While it cannot be reached, a broker grants itself at most one slice per agreement and day, and adds what it
 * used to the counter once it answers again: the overshoot is then at most one slice per broker.
 */
export class QuotaLeases {
  private readonly days = new Map<string, DayAllowance>();
  private prunedOn = '';

  constructor(
    private readonly counter: QuotaCounter,
    private readonly events: QuotaLeaseEvents = {},
  ) {}

  /** Counts one inquiry under the agreement, answering the quota left (as this broker knows it), or throws quota-exceeded. */
  async consume(agreement: Agreement, day: CalendarDay, now: number): Promise<number> {
    const allowance = this.allowanceOf(agreement, day.date);
    while (allowance.used >= allowance.leased) {
      const before = allowance.leased;
      await (allowance.pending ??= this.leaseMore(allowance));
      if (allowance.leased === before && allowance.used >= allowance.leased) {
        if (allowance.failure) {
          throw new ProblemError('governance-unavailable', `The quota of agreement ${agreement.id} cannot be counted now: the shared counter does not answer.`, { retryAfterSeconds: 1 });
        }
        this.refuse(agreement, day, now);
      }
    }
    allowance.used++;
    const slice = quotaSlice(allowance.limit);
    if (allowance.leased - allowance.used < Math.ceil(slice / 2) && !allowance.pending) {
      allowance.pending = this.leaseMore(allowance);
    }
    return Math.max(0, allowance.limit - allowance.clusterTotal + (allowance.leased - allowance.used));
  }

  /** Gives every unused lease back to the counter (a broker that stops). */
  async releaseAll(): Promise<void> {
    const allowances = [...this.days.values()];
    this.days.clear();
    await Promise.all(
      allowances.map(async (a) => {
        await a.pending?.catch(() => undefined);
        const unused = a.leased - a.used;
        if (unused > 0 && a.unsettled === 0) await this.counter.release(a.agreementId, a.date, unused).catch(() => undefined);
      }),
    );
  }

  private allowanceOf(agreement: Agreement, date: string): DayAllowance {
    let allowance = this.days.get(agreement.id);
    if (!allowance || allowance.date !== date) {
      if (this.prunedOn !== date) {
        this.prunedOn = date;
        const before = new Date(Date.parse(`${date}T00:00:00Z`) - QUOTA_DAYS_KEPT * 86_400_000).toISOString().slice(0, 10);
        // Housekeeping once a day per broker, off the inquiry's path; a failure waits for the next day.
        this.counter.prune(before).catch(() => undefined);
      }
      allowance = { agreementId: agreement.id, date, limit: agreement.dailyQuota, leased: 0, used: 0, clusterTotal: 0, unsettled: 0, offlineSlices: 0, failure: null, pending: null };
      this.days.set(agreement.id, allowance);
    }
    // An amended quota applies from the next lease on.
    allowance.limit = agreement.dailyQuota;
    return allowance;
  }

  private async leaseMore(allowance: DayAllowance): Promise<void> {
    try {
      if (allowance.unsettled > 0) {
        const unsettled = allowance.unsettled;
        await this.counter.settle(allowance.agreementId, allowance.date, unsettled);
        allowance.unsettled -= unsettled;
      }
      const { granted, total } = await this.counter.lease(allowance.agreementId, allowance.date, quotaSlice(allowance.limit), allowance.limit);
      allowance.leased += granted;
      allowance.clusterTotal = total;
      allowance.failure = null;
    } catch (error) {
      allowance.failure = error as Error;
      this.events.leaseFailed?.(error as Error);
      if (allowance.offlineSlices === 0 && allowance.used >= allowance.leased) {
        const size = quotaSlice(allowance.limit);
        allowance.offlineSlices++;
        allowance.leased += size;
        allowance.unsettled += size;
        this.events.offlineGrant?.(allowance.agreementId, size);
      }
    } finally {
      allowance.pending = null;
    }
  }

  private refuse(agreement: Agreement, day: CalendarDay, now: number): never {
    const retryAfterSeconds = Math.max(1, Math.ceil((day.endsAt - now) / 1000));
    throw new ProblemError(
      'quota-exceeded',
      `Agreement ${agreement.id} allows ${agreement.dailyQuota} inquiries a day and they are used up; the quota renews at midnight Tehran time.`,
      { retryAfterSeconds, quota: agreement.dailyQuota },
    );
  }
}
