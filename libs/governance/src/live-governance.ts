import { GovernanceSnapshot, type GovernanceState } from './governance-snapshot';

/** Where a versioned state is read from: the store, or a fake in specs. */
export interface VersionedSource<State extends { version: number }> {
  /** The version alone: cheap enough to ask several times a second. */
  stateVersion(): Promise<number>;
  /** The whole state, read in one statement so that it is consistent. */
  state(): Promise<State>;
}

/**
 * A source whose first read is preceded by a bootstrap (importing files into an empty store), tried again on each read
 * until it succeeds, so that a store that answers only later is still bootstrapped before anything is read from it.
 * The bootstrap runs inside a reload: it must not itself wait for a refresh (use a repository without listeners).
 */
export function bootstrappedFirst<State extends { version: number }>(source: VersionedSource<State>, bootstrap: () => Promise<void>): VersionedSource<State> {
  let bootstrapped = false;
  return {
    stateVersion: () => source.stateVersion(),
    state: async () => {
      if (!bootstrapped) {
        await bootstrap();
        bootstrapped = true;
      }
      return source.state();
    },
  };
}

/** Where the governance state is read from (GovernanceRepository). */
export type GovernanceSource = VersionedSource<GovernanceState>;

export interface LiveStateOptions<Snapshot> {
  /** How often to ask the store whether the version moved (the backstop for changes made by other processes). */
  pollMs: number;
  onLoaded?(snapshot: Snapshot): void;
  onError?(error: Error): void;
}

export interface LiveGovernanceOptions extends LiveStateOptions<GovernanceSnapshot> {
  production: boolean;
}

/**
 * A snapshot of a versioned state, kept current: reloaded at once after a change made here (refresh), and within
 * pollMs after a change made by another process. When the store cannot be read, the last snapshot stays in force and
 * the failure is reported; before the first load there is none.
 */
export class LiveState<State extends { version: number }, Snapshot extends { version: number }> {
  protected snapshot: Snapshot | null = null;
  private inFlight: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastFailure: { at: number; message: string } | null = null;
  private loadedAt = 0;

  constructor(
    private readonly source: VersionedSource<State>,
    private readonly build: (state: State) => Snapshot,
    private readonly options: LiveStateOptions<Snapshot>,
    private readonly now: () => number = Date.now,
  ) {}

  get current(): Snapshot | null {
    return this.snapshot;
  }

  /** How it stands, for readiness. */
  status(): { loaded: boolean; version: number | null; loadedAt: number | null; failure: { at: number; message: string } | null } {
    return { loaded: this.snapshot !== null, version: this.snapshot?.version ?? null, loadedAt: this.snapshot ? this.loadedAt : null, failure: this.lastFailure };
  }

  /**
   * Reloads when the store's version differs from the snapshot's. Calls made while a reload runs share one more
   * reload after it, so a change committed before the call is always seen when the promise settles. Never rejects.
   */
  refresh(): Promise<void> {
    if (!this.inFlight) {
      this.inFlight = this.reload().finally(() => (this.inFlight = null));
      return this.inFlight;
    }
    this.queued ??= this.inFlight.then(() => {
      this.queued = null;
      return this.refresh();
    });
    return this.queued;
  }

  /** For readiness: up once a snapshot is read; degraded, with the reason, while the store cannot be read. */
  readiness(): { up: boolean; details: Record<string, unknown> } {
    const { loaded, version, failure } = this.status();
    return { up: loaded, details: { version, ...(failure ? { degraded: true, reason: failure.message } : {}) } };
  }

  start(): this {
    if (this.options.pollMs > 0 && !this.timer) {
      this.timer = setInterval(() => void this.refresh(), this.options.pollMs);
      this.timer.unref();
    }
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async reload(): Promise<void> {
    try {
      if (this.snapshot && (await this.source.stateVersion()) === this.snapshot.version) {
        this.lastFailure = null;
        return;
      }
      const snapshot = this.build(await this.source.state());
      // A slower reload must not replace a newer snapshot.
      if (this.snapshot && snapshot.version < this.snapshot.version) return;
      this.snapshot = snapshot;
      this.loadedAt = this.now();
      this.lastFailure = null;
      this.options.onLoaded?.(snapshot);
    } catch (error) {
      this.lastFailure = { at: this.now(), message: (error as Error).message };
      this.options.onError?.(error as Error);
    }
  }
}

/** The governance snapshot this broker authorises with (demo agencies left out in production). */
export class LiveGovernance extends LiveState<GovernanceState, GovernanceSnapshot> {
  constructor(source: GovernanceSource, options: LiveGovernanceOptions, now: () => number = Date.now) {
    super(source, (state) => new GovernanceSnapshot(state, { production: options.production }), options, now);
  }

  /** A state that never changes (tests, benchmarks, tools). */
  static fixed(snapshot: GovernanceSnapshot): LiveGovernance {
    const live = new LiveGovernance({ stateVersion: async () => snapshot.version, state: () => Promise.reject(new Error('a fixed state is not reloaded')) }, { production: false, pollMs: 0 });
    live.snapshot = snapshot;
    return live;
  }
}
