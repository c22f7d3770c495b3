import type { ReadinessReport } from '@nix/platform';
import type { BreakerState } from '@nix/resilience';
import type { RegistryCondition } from './service-status';

/** The readiness reports a registry's condition is read from (their names under /health/ready). */
export interface ConditionReports {
  transport?: ReadinessReport;
  adapters?: ReadinessReport;
  breakers?: ReadinessReport;
}

const BREAKER_STATES: readonly string[] = ['closed', 'half-open', 'open'] satisfies BreakerState[];

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function breakerState(value: unknown): BreakerState | null {
  return typeof value === 'string' && BREAKER_STATES.includes(value) ? (value as BreakerState) : null;
}

/**
 * Each registry's condition as readiness reports it: the transport, the
 * adapter instances per registry, and breakers per scope ("broker:<registry>",
 * "adapter:<registry>"). A report that is missing leaves that part unknown:
 * adapters uncounted (null), breakers closed, transport up.
 */
export function registryConditionsOf(reports: ConditionReports, registries: string[]): Record<string, RegistryCondition> {
  const transportUp = reports.transport?.up ?? true;
  const instances = record(reports.adapters?.details?.instances);
  const states = record(reports.breakers?.details?.states) ?? {};
  return Object.fromEntries(
    registries.map((registry): [string, RegistryCondition] => {
      const count = instances?.[registry];
      return [
        registry,
        {
          breaker: breakerState(states[`broker:${registry}`]) ?? 'closed',
          adapterBreaker: breakerState(states[`adapter:${registry}`]),
          adapters: typeof count === 'number' ? count : null,
          transportUp,
        },
      ];
    }),
  );
}
