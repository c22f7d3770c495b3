/** How the view of the adapters is kept fresh. */
export interface AdapterPresenceSettings {
  /** The whole view is refreshed in the background this often. */
  refreshIntervalMs: number;
  /** A miss (no adapter seen) asks again at once, but not more often than this. */
  minRefreshGapMs: number;
  /** How long a miss waits for that fresh look before it is believed. */
  missWaitMs: number;
}

export const DEFAULT_ADAPTER_PRESENCE: AdapterPresenceSettings = { refreshIntervalMs: 2000, minRefreshGapMs: 250, missWaitMs: 1000 };

/** Counts the adapter instances behind each address (for Kafka: members of each address's consumer group). */
export type AdapterLookup = (addresses: string[]) => Promise<Record<string, number>>;

/**
 * A cached view of which addresses have a live adapter, refreshed in the
 * background, so the broker can refuse an inquiry nobody will read at once
 * instead of letting it wait for its deadline. It errs towards sending: an
 * address counts as served until a look that succeeded found no adapter,
 * and a miss is checked again (bounded) before it is believed, so an adapter
 * that has just joined is not refused on an old view.
 */
export class AdapterPresence {
  private members: Map<string, number> | null = null;
  private lastLookAt = Number.NEGATIVE_INFINITY;
  private looking: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly addresses: readonly string[],
    private readonly lookup: AdapterLookup,
    private readonly settings: AdapterPresenceSettings = DEFAULT_ADAPTER_PRESENCE,
    private readonly now: () => number = Date.now,
  ) {}

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

  /** False only when a fresh look that succeeded found no adapter behind the address. */
  async isServed(address: string): Promise<boolean> {
    if (this.served(address)) return true;
    if (!this.looking && this.now() - this.lastLookAt >= this.settings.minRefreshGapMs) void this.refresh();
    if (this.looking) await within(this.looking, this.settings.missWaitMs);
    return this.served(address);
  }

  /** One look at every address; a look under way is shared. Never rejects. */
  refresh(): Promise<void> {
    if (!this.looking) {
      this.lastLookAt = this.now();
      this.looking = Promise.resolve()
        .then(() => this.lookup([...this.addresses]))
        .then(
          (counts) => {
            this.members = new Map(this.addresses.map((a) => [a, counts[a] ?? 0]));
          },
          () => {
            // Not knowing is not a reason to refuse: the transport's own errors will tell.
            this.members = null;
          },
        )
        .finally(() => {
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
