import type { BreakerObserver, BreakerState } from './circuit-breakers';

/** One time a breaker opened: when, and when it closed again (null while it is still open or half-open). */
export interface BreakerIncident {
  registry: string;
  openedAt: number;
  closedAt: number | null;
}

export interface IncidentLimits {
  /** Incidents kept per breaker; the oldest go first. */
  perBreaker: number;
  /** Closed incidents older than this (by when they closed) are forgotten. */
  maxAgeMs: number;
}

export const DEFAULT_INCIDENT_LIMITS: IncidentLimits = { perBreaker: 100, maxAgeMs: 30 * 24 * 3600 * 1000 };

/**
 * When each breaker opened and closed, in memory and bounded (R15: incidents
 * are announced openly). An incident starts when a breaker opens and ends when
 * it closes; a failed half-open probe that opens it again is the same
 * incident. Only breaker names and times are kept: never a payload.
 */
export class BreakerIncidents {
  private readonly byBreaker = new Map<string, BreakerIncident[]>();

  constructor(
    private readonly now: () => number,
    private readonly limits: IncidentLimits = DEFAULT_INCIDENT_LIMITS,
  ) {}

  /** Feeds it from breakers' state changes (with CircuitBreakers' observer). */
  readonly observer: Pick<BreakerObserver, 'state'> = { state: (name, state) => this.changed(name, state) };

  changed(name: string, state: BreakerState): void {
    const incidents = this.byBreaker.get(name) ?? [];
    const current = incidents.at(-1);
    const ongoing = current !== undefined && current.closedAt === null;
    if (state === 'open' && !ongoing) {
      incidents.push({ registry: name, openedAt: this.now(), closedAt: null });
      this.byBreaker.set(name, incidents);
    } else if (state === 'closed' && ongoing) {
      incidents[incidents.length - 1] = { ...current, closedAt: this.now() };
    }
    this.prune(name);
  }

  /** One breaker's incidents still remembered, newest first. */
  of(name: string): BreakerIncident[] {
    this.prune(name);
    return [...(this.byBreaker.get(name) ?? [])].reverse();
  }

  private prune(name: string): void {
    const incidents = this.byBreaker.get(name);
    if (!incidents) return;
    const oldest = this.now() - this.limits.maxAgeMs;
    const kept = incidents.filter((i) => i.closedAt === null || i.closedAt >= oldest).slice(-this.limits.perBreaker);
    if (kept.length === 0) this.byBreaker.delete(name);
    else this.byBreaker.set(name, kept);
  }
}
