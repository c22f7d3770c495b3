import type { QuotaCounter } from '../quota-leases';
/** What a call throws, for specs that inspect the typed error (its current state, its field); fails if nothing is thrown. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** The shared quota counter in memory, with the store's rules (never more than the limit in all). */
export class MemoryQuotaCounter implements QuotaCounter {
  readonly granted = new Map<string, number>();
  /** Set to make the counter unreachable. */
  failure: Error | null = null;

  async lease(agreementId: string, day: string, want: number, limit: number): Promise<{ granted: number; total: number }> {
    this.check();
    const before = this.granted.get(`${agreementId}/${day}`) ?? 0;
    const granted = Math.min(want, Math.max(0, limit - before));
    this.granted.set(`${agreementId}/${day}`, before + granted);
    return { granted, total: before + granted };
  }

  async settle(agreementId: string, day: string, used: number): Promise<void> {
    this.check();
    this.granted.set(`${agreementId}/${day}`, (this.granted.get(`${agreementId}/${day}`) ?? 0) + used);
  }

  async release(agreementId: string, day: string, unused: number): Promise<void> {
    this.check();
    this.granted.set(`${agreementId}/${day}`, Math.max(0, (this.granted.get(`${agreementId}/${day}`) ?? 0) - unused));
  }

  async prune(before: string): Promise<void> {
    this.check();
    for (const key of this.granted.keys()) if (key.slice(-10) < before) this.granted.delete(key);
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }
}
