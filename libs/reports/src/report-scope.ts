import { hasRole, ProblemError, type Agency } from '@nix/domain';

/**
 * What traffic an agency may see in reports (R4): the working group sees
 * everything; a consumer its own usage (rows it sent); a provider the use of
 * its own services (rows of registries it is the custodian of). An agency
 * with both roles sees both.
 */
export interface ReportScope {
  agency: string;
  all: boolean;
  ownUsage: boolean;
  ownServices: boolean;
}

/** Narrowing a report to part of the traffic; every field is optional. */
export interface TrafficFilters {
  consumer?: string;
  provider?: string;
  registry?: string;
  service?: string;
  outcome?: string;
}

export function scopeOf(agency: Agency): ReportScope {
  const all = hasRole(agency, 'working-group');
  return { agency: agency.id, all, ownUsage: !all && hasRole(agency, 'consumer'), ownServices: !all && hasRole(agency, 'provider') };
}

/** Whether the scope covers traffic sent by consumer to a service whose custodian is provider. */
export function covers(scope: ReportScope, traffic: { consumer: string; provider: string }): boolean {
  return scope.all || (scope.ownUsage && traffic.consumer === scope.agency) || (scope.ownServices && traffic.provider === scope.agency);
}

/**
 * Refuses, with 403, filters that ask for another agency's traffic: a
 * consumer may narrow its usage to one provider, and a provider the use of its
 * services to one consumer, but neither may ask for what others sent or serve.
 */
export function checkFilters(scope: ReportScope, filters: TrafficFilters): void {
  if (scope.all) return;
  if (filters.consumer !== undefined && filters.consumer !== scope.agency && !scope.ownServices) {
    throw outOfScope('consumer', `Agency ${scope.agency} may see only its own usage, not that of ${filters.consumer || 'unauthenticated callers'}.`);
  }
  if (filters.provider !== undefined && filters.provider !== scope.agency && !scope.ownUsage) {
    throw outOfScope('provider', `Agency ${scope.agency} may see only the use of its own services, not those of ${filters.provider}.`);
  }
}

/** Only the working group and the agency itself may see an agency's report. */
export function checkAgencyReport(scope: ReportScope, agencyId: string): void {
  if (!scope.all && agencyId !== scope.agency) {
    throw outOfScope('agencyId', `Agency ${scope.agency} may see its own report only, not that of ${agencyId}.`, 'path');
  }
}

function outOfScope(parameter: string, detail: string, where = 'query'): ProblemError {
  return new ProblemError('report-out-of-scope', detail, { errors: [{ pointer: `${where}:${parameter}`, detail: 'names traffic outside what this agency may see' }] });
}
