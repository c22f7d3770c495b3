import type { Agreement } from './agreement';
import type { CalendarDay } from './calendar';
import { ProblemError } from './problem';

/**
 * Counts each agreement's inquiries per day and refuses those over its daily
 * quota. Counts held here are this process's; `credit` folds in what other
 * broker instances have used, as the ledger reports it.
 */
export class DailyQuota {
  private readonly used = new Map<string, { date: string; count: number; elsewhere: number }>();

  consume(agreement: Agreement, day: CalendarDay, now: number): number {
    const entry = this.entryFor(agreement.id, day.date);
    if (entry.count + entry.elsewhere >= agreement.dailyQuota) {
      const retryAfterSeconds = Math.max(1, Math.ceil((day.endsAt - now) / 1000));
      throw new ProblemError(
        'quota-exceeded',
        `Agreement ${agreement.id} allows ${agreement.dailyQuota} inquiries a day and they are used up; the quota renews at midnight Tehran time.`,
        { retryAfterSeconds, quota: agreement.dailyQuota },
      );
    }
    entry.count++;
    return agreement.dailyQuota - entry.count - entry.elsewhere;
  }

  /** Sets how many inquiries other instances made today under this agreement. A credit for a past day is stale and ignored. */
  credit(agreementId: string, date: string, elsewhere: number): void {
    const entry = this.used.get(agreementId);
    if (entry && entry.date > date) return;
    this.entryFor(agreementId, date).elsewhere = elsewhere;
  }

  usedToday(agreementId: string, date: string): number {
    const entry = this.used.get(agreementId);
    return entry && entry.date === date ? entry.count : 0;
  }

  private entryFor(agreementId: string, date: string) {
    let entry = this.used.get(agreementId);
    if (!entry || entry.date !== date) {
      entry = { date, count: 0, elsewhere: 0 };
      this.used.set(agreementId, entry);
    }
    return entry;
  }
}
