import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { NixConfig } from '@nix/config';
import type { NixMetrics } from '@nix/observability';
import { breakerMetrics, CircuitBreakers, type BreakerState } from '@nix/resilience';
import { METRICS, NIX_CONFIG } from '../core/tokens';

/**
 * A circuit breaker per registry around the relay to its adapters: when the
 * transport or the adapters keep failing, further inquiries are refused at
 * once with 503 and Retry-After, and a probe is let through after the reset
 * time, so the broker recovers by itself.
 */
@Injectable()
export class RegistryGuards implements OnApplicationShutdown {
  private readonly breakers: CircuitBreakers;

  constructor(@Inject(NIX_CONFIG) config: NixConfig, @Inject(METRICS) metrics: NixMetrics) {
    this.breakers = new CircuitBreakers(config.breaker, breakerMetrics(metrics, 'broker'));
  }

  guard<T>(registry: string, operation: () => Promise<T>): Promise<T> {
    return this.breakers.guard(registry, operation);
  }

  states(): Record<string, BreakerState> {
    return this.breakers.states();
  }

  onApplicationShutdown(): void {
    this.breakers.shutdown();
  }
}
