/** What one part of a process says about whether it can do its job now. */
export interface ReadinessReport {
  /** false makes the whole process unready (503); true with details reports a degraded part that still serves. */
  up: boolean;
  details?: Record<string, unknown>;
}

/** One part of a process that readiness asks: its transport, its consumers, its ledger. */
export interface ReadinessCheck {
  /** The key under /health/ready's details. */
  readonly name: string;
  probe(): ReadinessReport | Promise<ReadinessReport>;
}

/** A group of circuit breakers that readiness reports (never making the process unready). */
export interface BreakerGroup {
  states(): Record<string, string>;
}

/**
 * Where each role registers its readiness checks at start (one shared
 * registry per process, under READINESS_CHECKS); readiness asks each one and
 * knows nothing of the parts behind them.
 */
export class ReadinessChecks {
  private readonly checks: ReadinessCheck[] = [];
  private readonly breakerGroups = new Map<string, BreakerGroup>();

  add(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  /** Breakers of one scope (broker, adapter): all scopes are reported together, under "breakers". */
  addBreakers(scope: string, group: BreakerGroup): void {
    if (this.breakerGroups.size === 0) this.checks.push({ name: 'breakers', probe: () => this.breakers() });
    this.breakerGroups.set(scope, group);
  }

  list(): readonly ReadinessCheck[] {
    return this.checks;
  }

  private breakers(): ReadinessReport {
    const states: Record<string, string> = {};
    for (const [scope, group] of this.breakerGroups) {
      for (const [name, state] of Object.entries(group.states())) states[`${scope}:${name}`] = state;
    }
    const notClosed = Object.keys(states).filter((k) => states[k] !== 'closed');
    // An open breaker refuses one registry's inquiries; the process still serves the others.
    return { up: true, details: { states, ...(notClosed.length ? { degraded: true, notClosed } : {}) } };
  }
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
