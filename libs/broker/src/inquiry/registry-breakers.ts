import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { NixConfig } from '@nix/config';
import type { Clock } from '@nix/domain';
import type { NixMetrics } from '@nix/observability';
import { BreakerIncidents, breakerMetrics, CircuitBreakers, type BreakerState } from '@nix/resilience';
import { CLOCK, METRICS, NIX_CONFIG, READINESS_CHECKS, type ReadinessChecks } from '@nix/platform';

/**
 * A circuit breaker per registry around the relay to its adapters: when the
 * transport or the adapters keep failing, further inquiries are refused at
 * once with 503 and Retry-After, and a probe is let through after the reset
 * time, so the broker recovers by itself. When each one opened and closed is
 * kept as incidents, for the public status (R15).
 */
@Injectable()
export class RegistryBreakers implements OnApplicationShutdown {
  private readonly breakers: CircuitBreakers;
  readonly incidents: BreakerIncidents;

  constructor(
    @Inject(NIX_CONFIG) config: NixConfig,
    @Inject(METRICS) metrics: NixMetrics,
    @Inject(READINESS_CHECKS) readiness: ReadinessChecks,
    @Inject(CLOCK) clock: Clock,
  ) {
    this.incidents = new BreakerIncidents(() => clock.now());
    const metricsObserver = breakerMetrics(metrics, 'broker');
    this.breakers = new CircuitBreakers(config.breaker, {
      state: (registry, state) => {
        metricsObserver.state(registry, state);
        this.incidents.changed(registry, state);
      },
      rejected: (registry) => metricsObserver.rejected(registry),
    });
    readiness.addBreakers('broker', this.breakers);
  }

  guard<T>(registry: string, operation: () => Promise<T>): Promise<T> {
    return this.breakers.guard(registry, operation);
  }

  /** Each registry's breaker state (a registry never called yet has none: it is closed). */
  states(): Record<string, BreakerState> {
    return this.breakers.states();
  }

  onApplicationShutdown(): void {
    this.breakers.shutdown();
  }
}
