import type { Clock } from '@nix/domain';

/** How the view of the adapters is kept fresh. */
export interface AdapterPresenceSettings {
  /** The whole view is refreshed in the background this often. */
  refreshIntervalMs: number;
  /** Looks start at most this often, however many misses ask for one. */
  minRefreshGapMs: number;
  /** How long a miss waits for a fresh look; past it, the inquiry is sent after all. */
  missWaitMs: number;
}

export const DEFAULT_ADAPTER_PRESENCE: AdapterPresenceSettings = { refreshIntervalMs: 2000, minRefreshGapMs: 100, missWaitMs: 1000 };

/** Counts the adapter instances behind each address (for Kafka: members of each address's consumer group). */
export type AdapterLookup = (addresses: string[]) => Promise<Record<string, number>>;

/**
 * A cached view of which addresses have a live adapter, refreshed in the
 * background, so the broker can refuse an inquiry nobody will read at once
 * instead of letting it wait for its deadline. It errs towards sending: an
 * address counts as served unless a look that succeeded found no adapter,
 * and a miss is believed only from a look that started after the inquiry
 * came, so an adapter that is joining (a group member from its first
 * JoinGroup) is never refused on an older view. Looks are bounded: one at a
 * time, at most one per minRefreshGapMs, and a miss waits at most missWaitMs.
 */
export class AdapterPresence {
  private members: Map<string, number> | null = null;
  private lastLookAt = Number.NEGATIVE_INFINITY;
  /** Looks are numbered as they start; a miss waits for one numbered above those under way when it came. */
  private looksStarted = 0;
  private lastLookDone = 0;
  private looking: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;

  private readonly addresses: Set<string>;

  constructor(
    addresses: readonly string[],
    private readonly lookup: AdapterLookup,
    private readonly clock: Clock,
    private readonly settings: AdapterPresenceSettings = DEFAULT_ADAPTER_PRESENCE,
  ) {
    this.addresses = new Set(addresses);
  }

  /** Looks behind one more address from the next look on (a service published at run time). */
  watch(address: string): void {
    this.addresses.add(address);
  }

  /** Starts the background refresh (idempotent). */
  start(): void {
    if (this.timer) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.settings.refreshIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Instances seen behind each address by the last look that succeeded; null when none has. */
  view(): Record<string, number> | null {
    return this.members ? Object.fromEntries(this.members) : null;
  }

  /** False only when a look that succeeded, started after this call, found no adapter behind the address. */
  async isServed(address: string): Promise<boolean> {
    if (this.served(address)) return true;
    const after = this.looksStarted;
    const until = this.clock.now() + this.settings.missWaitMs;
    while (this.lastLookDone <= after) {
      const left = until - this.clock.now();
      if (left <= 0) return true;
      if (this.looking) {
        await within(this.looking, left);
        continue;
      }
      const gap = this.lastLookAt + this.settings.minRefreshGapMs - this.clock.now();
      if (gap > 0) await within(new Promise<void>(() => undefined), Math.min(gap, left));
      else void this.refresh();
    }
    return this.served(address);
  }

  /** One look at every address; a look under way is shared. Never rejects. */
  refresh(): Promise<void> {
    if (!this.looking) {
      this.lastLookAt = this.clock.now();
      const look = ++this.looksStarted;
      this.looking = Promise.resolve()
        .then(() => this.lookup([...this.addresses]))
        .then(
          (counts) => {
            this.members = new Map([...this.addresses].map((a) => [a, counts[a] ?? 0]));
          },
          () => {
            // Not knowing is not a reason to refuse: the transport's own errors will tell.
            this.members = null;
          },
        )
        .finally(() => {
          this.lastLookDone = look;
          this.looking = null;
        });
    }
    return this.looking;
  }

  private served(address: string): boolean {
    const count = this.members?.get(address);
    return count === undefined || count > 0;
  }
}

function within(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
}
