import type { BreakerIncident, BreakerState } from '@nix/resilience';
import type { ProbeResult } from '../probes/probe-results';

/** A language pair, as every public text of NIX is given. */
export interface Bilingual {
  fa: string;
  en: string;
}

/**
 * When a service answers (R15): "24x7", or weekly periods in Tehran time
 * (days as sat, sun, mon, tue, wed, thu, fri; times HH:MM).
 */
export type ServiceHours = '24x7' | { days: string[]; from: string; until: string }[];

/** A planned outage the custodian announced (ISO 8601 instants; until is exclusive). */
export interface MaintenanceWindow {
  from: string;
  until: string;
  note: Bilingual;
}

/**
 * The port to what custodians announce about a service: its hours and its
 * maintenance windows. Backed by the catalogue; maintenance lists the windows
 * that have not ended by `now` (the current one included).
 */
export interface ServiceNotices {
  hours(registry: string, service: string): ServiceHours | Promise<ServiceHours>;
  maintenance(registry: string, service: string, now: Date): MaintenanceWindow[] | Promise<MaintenanceWindow[]>;
}

/** Today's catalogue announces nothing: every service answers around the clock, with no planned outage. */
export const ALWAYS_OPEN_NOTICES: ServiceNotices = {
  hours: () => '24x7',
  maintenance: () => [],
};

/** A catalogued service, with the versions that are published now. */
export interface ListedService {
  registry: string;
  service: string;
  versions: string[];
  title: Bilingual;
  registryTitle: Bilingual;
}

/** What this broker sees of a registry now: its breaker, its adapters and the transport to them. */
export interface RegistryCondition {
  /** The broker's breaker for the registry. */
  breaker: BreakerState;
  /** Adapter breakers of this process for the registry's backend (when it runs them). */
  adapterBreaker: BreakerState | null;
  /** Adapter instances serving the registry now; null when they cannot be counted. */
  adapters: number | null;
  /** Whether the transport to the adapters is connected. */
  transportUp: boolean;
}

export type ServiceState = 'operational' | 'degraded' | 'down' | 'maintenance';

/**
 * A service's state: in a maintenance window it is under maintenance; with
 * its breaker open, no adapter or no transport it is down; with the breaker
 * probing (half-open), an adapter-side breaker not closed, or adapters that
 * cannot be counted it is degraded; otherwise operational.
 */
export function serviceStateOf(condition: RegistryCondition, inMaintenance: boolean): ServiceState {
  if (inMaintenance) return 'maintenance';
  if (condition.breaker === 'open' || condition.adapters === 0 || !condition.transportUp) return 'down';
  if (condition.breaker === 'half-open' || (condition.adapterBreaker !== null && condition.adapterBreaker !== 'closed') || condition.adapters === null) {
    return 'degraded';
  }
  return 'operational';
}

export interface IncidentView {
  registry: string;
  openedAt: string;
  closedAt: string | null;
}

export interface ServiceStatus {
  registry: string;
  service: string;
  versions: string[];
  title: Bilingual;
  registryTitle: Bilingual;
  hours: ServiceHours;
  state: ServiceState;
  upcomingMaintenance: MaintenanceWindow[];
  recentIncidents: IncidentView[];
  /** The last synthetic probe of the service by this broker (R17), or null when it has not been probed. */
  probe: ProbeResult | null;
}

export interface StatusDocument {
  generatedAt: string;
  services: ServiceStatus[];
}

export interface StatusSources {
  services(): ListedService[];
  notices: ServiceNotices;
  conditions(registries: string[]): Promise<Record<string, RegistryCondition>>;
  incidents(registry: string): BreakerIncident[];
  /** The last synthetic probe of a service, if any. */
  probe?(registry: string, service: string): ProbeResult | null;
  now(): number;
}

const UNKNOWN: RegistryCondition = { breaker: 'closed', adapterBreaker: null, adapters: null, transportUp: true };

/** The public status of every catalogued service (R15): no payload, no identifier, only names and times. */
export async function statusDocument(sources: StatusSources): Promise<StatusDocument> {
  const now = sources.now();
  const services = sources.services();
  const conditions = await sources.conditions([...new Set(services.map((s) => s.registry))]);
  const statuses = await Promise.all(
    services.map(async (s): Promise<ServiceStatus> => {
      const [hours, windows] = await Promise.all([sources.notices.hours(s.registry, s.service), sources.notices.maintenance(s.registry, s.service, new Date(now))]);
      const upcoming = windows.filter((w) => Date.parse(w.until) > now).sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
      const inMaintenance = upcoming.some((w) => Date.parse(w.from) <= now);
      return {
        registry: s.registry,
        service: s.service,
        versions: s.versions,
        title: s.title,
        registryTitle: s.registryTitle,
        hours,
        state: serviceStateOf(conditions[s.registry] ?? UNKNOWN, inMaintenance),
        upcomingMaintenance: upcoming,
        recentIncidents: sources.incidents(s.registry).map((i) => ({
          registry: i.registry,
          openedAt: new Date(i.openedAt).toISOString(),
          closedAt: i.closedAt === null ? null : new Date(i.closedAt).toISOString(),
        })),
        probe: sources.probe?.(s.registry, s.service) ?? null,
      };
    }),
  );
  return { generatedAt: new Date(now).toISOString(), services: statuses };
}
