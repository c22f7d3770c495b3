import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { NixConfig } from '@nix/config';
import type { NixMetrics } from '@nix/observability';
import { BREAKER_STATE_VALUE, CircuitBreakers, type BreakerState } from '@nix/resilience';
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
    this.breakers = new CircuitBreakers(
      {
        volumeThreshold: config.breaker.volumeThreshold,
        errorThresholdPercentage: config.breaker.errorThresholdPercentage,
        resetTimeoutMs: config.breaker.resetTimeoutMs,
        rollingCountTimeoutMs: config.breaker.rollingCountTimeoutMs,
      },
      {
        state: (registry, state) => metrics.breakerState.set({ scope: 'broker', registry }, BREAKER_STATE_VALUE[state]),
        rejected: (registry) => metrics.breakerRejections.inc({ scope: 'broker', registry }),
      },
    );
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
