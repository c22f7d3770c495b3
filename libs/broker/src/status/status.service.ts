import { Inject, Injectable } from '@nestjs/common';
import { ProblemError, type Clock } from '@nix/domain';
import { CLOCK, READINESS_CHECKS, type ReadinessChecks, type ReadinessReport } from '@nix/platform';
import { RegistryBreakers } from '../inquiry/registry-breakers';
import { ProbeResults } from '../probes/probe-results';
import { registryConditionsOf, type ConditionReports } from './registry-conditions';
import { statusDocument, type ListedService, type RegistryCondition, type ServiceNotices, type StatusDocument } from './service-status';

/** The port to custodians' announcements (hours, maintenance), backed by the catalogue. */
export const SERVICE_NOTICES = Symbol('SERVICE_NOTICES');
/** The port to the catalogued services and their published versions. */
export const LISTED_SERVICES = Symbol('LISTED_SERVICES');

export interface ServiceListing {
  services(): ListedService[];
}

/** A readiness probe that has not answered by then leaves its part unknown: the status page never waits on Kafka. */
const PROBE_WAIT_MS = 1000;

/**
 * The public status (R15) as this broker sees it: each service's hours and
 * maintenance from the notices port, its state from readiness (breakers,
 * adapters, transport), and its registry's breaker incidents.
 */
@Injectable()
export class StatusService {
  constructor(
    @Inject(LISTED_SERVICES) private readonly listing: ServiceListing,
    @Inject(SERVICE_NOTICES) private readonly notices: ServiceNotices,
    @Inject(READINESS_CHECKS) private readonly readiness: ReadinessChecks,
    @Inject(RegistryBreakers) private readonly breakers: Pick<RegistryBreakers, 'incidents'>,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ProbeResults) private readonly probes: Pick<ProbeResults, 'get'>,
  ) {}

  async status(): Promise<StatusDocument> {
    try {
      return await statusDocument({
        services: () => this.listing.services(),
        notices: this.notices,
        conditions: (registries) => this.conditions(registries),
        incidents: (registry) => this.breakers.incidents.of(registry),
        probe: (registry, service) => this.probes.get(registry, service),
        now: () => this.clock.now(),
      });
    } catch (error) {
      if (error instanceof ProblemError) throw error;
      throw new ProblemError('status-unavailable', 'The services’ announcements cannot be read now.', { retryAfterSeconds: 5 });
    }
  }

  private async conditions(registries: string[]): Promise<Record<string, RegistryCondition>> {
    const reports: ConditionReports = {};
    await Promise.all(
      (['transport', 'adapters', 'breakers'] as const).map(async (name) => {
        const check = this.readiness.list().find((c) => c.name === name);
        if (check) reports[name] = await probeWithin(() => check.probe(), PROBE_WAIT_MS);
      }),
    );
    return registryConditionsOf(reports, registries);
  }
}

/** The probe's report, or undefined when it fails or takes longer than ms. */
async function probeWithin(probe: () => ReadinessReport | Promise<ReadinessReport>, ms: number): Promise<ReadinessReport | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve().then(probe),
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms))),
    ]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
