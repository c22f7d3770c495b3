import CircuitBreaker from 'opossum';
import type { NixMetrics } from '@nix/observability';

export interface BreakerSettings {
  /** Calls in the rolling window before the breaker may open at all. */
  volumeThreshold: number;
  errorThresholdPercentage: number;
  /** How long the breaker stays open before it lets one probe through (half-open). */
  resetTimeoutMs: number;
  rollingCountTimeoutMs: number;
}

export type BreakerState = 'closed' | 'half-open' | 'open';

export const BREAKER_STATE_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export interface BreakerObserver {
  state(name: string, state: BreakerState): void;
  rejected(name: string): void;
}

/** The metrics of one scope's breakers (broker: per registry; adapter: per backend). */
export function breakerMetrics(metrics: NixMetrics, scope: 'broker' | 'adapter'): BreakerObserver {
  return {
    state: (registry, state) => metrics.breakerState.set({ scope, registry }, BREAKER_STATE_VALUE[state]),
    rejected: (registry) => metrics.breakerRejections.inc({ scope, registry }),
  };
}

/** The breaker is open: the call was refused at once, without touching what it guards. */
export class BreakerOpenError extends Error {
  constructor(
    readonly breaker: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`the circuit for ${breaker} is open after repeated failures`);
    this.name = 'BreakerOpenError';
  }
}

type Operation = () => Promise<unknown>;

/**
 * One opossum circuit breaker per guarded thing (a registry, a backend),
 * created on first use with the shared settings. Timeouts are the callers'
 * (each inquiry has its deadline), so opossum only counts failures.
 */
export class CircuitBreakers {
  private readonly breakers = new Map<string, CircuitBreaker<[Operation], unknown>>();

  constructor(
    private readonly settings: BreakerSettings,
    private readonly observer: BreakerObserver = { state: () => undefined, rejected: () => undefined },
  ) {}

  async guard<T>(name: string, operation: () => Promise<T>): Promise<T> {
    const breaker = this.breakerFor(name);
    try {
      return (await breaker.fire(operation)) as T;
    } catch (error) {
      if ((error as { code?: string }).code === 'EOPENBREAKER') {
        throw new BreakerOpenError(name, Math.max(1, Math.ceil(this.settings.resetTimeoutMs / 1000)));
      }
      throw error;
    }
  }

  states(): Record<string, BreakerState> {
    return Object.fromEntries([...this.breakers].map(([name, b]) => [name, stateOf(b)]));
  }

  shutdown(): void {
    for (const breaker of this.breakers.values()) breaker.shutdown();
    this.breakers.clear();
  }

  private breakerFor(name: string): CircuitBreaker<[Operation], unknown> {
    let breaker = this.breakers.get(name);
    if (breaker) return breaker;
    breaker = new CircuitBreaker((operation: Operation) => operation(), {
      name,
      timeout: false,
      volumeThreshold: this.settings.volumeThreshold,
      errorThresholdPercentage: this.settings.errorThresholdPercentage,
      resetTimeout: this.settings.resetTimeoutMs,
      rollingCountTimeout: this.settings.rollingCountTimeoutMs,
      rollingCountBuckets: 10,
      rollingPercentilesEnabled: false,
    });
    breaker.on('open', () => this.observer.state(name, 'open'));
    breaker.on('halfOpen', () => this.observer.state(name, 'half-open'));
    breaker.on('close', () => this.observer.state(name, 'closed'));
    breaker.on('reject', () => this.observer.rejected(name));
    this.observer.state(name, 'closed');
    this.breakers.set(name, breaker);
    return breaker;
  }
}

function stateOf(breaker: CircuitBreaker<[Operation], unknown>): BreakerState {
  return breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed';
}
