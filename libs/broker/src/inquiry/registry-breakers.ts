import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { NixConfig } from '@nix/config';
import type { NixMetrics } from '@nix/observability';
import { breakerMetrics, CircuitBreakers } from '@nix/resilience';
import { METRICS, NIX_CONFIG, READINESS_CHECKS, type ReadinessChecks } from '@nix/platform';

/**
 * A circuit breaker per registry around the relay to its adapters: when the
 * transport or the adapters keep failing, further inquiries are refused at
 * once with 503 and Retry-After, and a probe is let through after the reset
 * time, so the broker recovers by itself.
 */
@Injectable()
export class RegistryBreakers implements OnApplicationShutdown {
  private readonly breakers: CircuitBreakers;

  constructor(@Inject(NIX_CONFIG) config: NixConfig, @Inject(METRICS) metrics: NixMetrics, @Inject(READINESS_CHECKS) readiness: ReadinessChecks) {
    this.breakers = new CircuitBreakers(config.breaker, breakerMetrics(metrics, 'broker'));
    readiness.addBreakers('broker', this.breakers);
  }

  guard<T>(registry: string, operation: () => Promise<T>): Promise<T> {
    return this.breakers.guard(registry, operation);
  }

  onApplicationShutdown(): void {
    this.breakers.shutdown();
  }
}
