import type { Agency, Agreement } from './agreement';
import type { Outcome } from './outcome';

/**
 * The probe agency (R17): NIX's synthetic probes call every published service under it. Its traffic is recorded as
 * its own, kept out of agencies' usage and counted in services' availability.
 */
export const PROBE_AGENCY: Agency = { id: 'nix-probe', name: { fa: 'پایش مصنوعی NIX', en: 'NIX synthetic probe' }, roles: ['consumer'], demo: false };
/** The purpose code the probe cites (the legal basis of its agreements). */
export const PROBE_PURPOSE = 'synthetic-probe';
/** Who creates the probe's agreements and keys in the audit log: NIX itself, under the system agreement. */
export const PROBE_SYSTEM_ACTOR = 'nix-system';
/** The resolution every probe agreement cites. */
export const PROBE_RESOLUTION = 'System agreement: NIX synthetic probes (R17), one probe record per service every NIX_PROBE_INTERVAL_S';
/** A probe of every second stays under it: the quota only bounds the probe, never an agency. */
export const PROBE_DAILY_QUOTA = 100_000;

/** A probe succeeded when the service answered: with the record, or (the registry answered) without it. */
export function probeSucceeded(outcome: Outcome): boolean {
  return outcome === 'ok' || outcome === 'not-found';
}

/** A published service as the probe sees it: its newest version, and the probe record to send. */
export interface ProbeTarget {
  registry: string;
  service: string;
  major: number;
  /** The version's data items: the probe's agreement grants the first one only. */
  dataItems: readonly string[];
  /** The designated probe record: the version's first request example (public documentation, never personal data). */
  record: Record<string, unknown> | undefined;
}

/** What a probe round does: agreements to make first, services to call, services left alone and why. */
export interface ProbePlan {
  agreementsToCreate: Agreement[];
  probes: ProbeTarget[];
  skipped: { registry: string; service: string; reason: string }[];
}

export function probeAgreementId(registry: string, service: string, major: number): string {
  return `nix-probe-${registry}-${service}-v${major}`;
}

/**
 * Plans a round: every published service is probed under an agreement of the probe agency for its major. A missing one
 * is created (the system agreement, audited); one the working group suspended or revoked is respected: that service
 * is not probed (R6: agreements decide). A version with no request example has no probe record.
 */
export function planProbes(targets: readonly ProbeTarget[], agreements: readonly Agreement[], today: string): ProbePlan {
  const plan: ProbePlan = { agreementsToCreate: [], probes: [], skipped: [] };
  for (const target of targets) {
    const { registry, service, major } = target;
    if (!target.record) {
      plan.skipped.push({ registry, service, reason: 'its newest version has no request example to probe with' });
      continue;
    }
    const existing = agreements.find((a) => a.consumer === PROBE_AGENCY.id && a.registry === registry && a.service === service && (a.major ?? 1) === major);
    if (existing && (existing.status ?? 'active') !== 'active') {
      plan.skipped.push({ registry, service, reason: `the probe agreement ${existing.id} is ${existing.status}` });
      continue;
    }
    if (!existing) {
      plan.agreementsToCreate.push({
        id: probeAgreementId(registry, service, major),
        consumer: PROBE_AGENCY.id,
        registry,
        service,
        major,
        dataItems: target.dataItems.slice(0, 1),
        purposes: [PROBE_PURPOSE],
        validFrom: today,
        // Ten years on (28 February for a 29th, which the tenth year may lack).
        validUntil: `${Number(today.slice(0, 4)) + 10}${today.slice(4) === '-02-29' ? '-02-28' : today.slice(4)}`,
        dailyQuota: PROBE_DAILY_QUOTA,
        resolution: PROBE_RESOLUTION,
      });
    }
    plan.probes.push(target);
  }
  return plan;
}
