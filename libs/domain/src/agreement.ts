import { ProblemError } from './problem';

export const AGENCY_ROLES = ['consumer', 'provider', 'working-group'] as const;
export type AgencyRole = (typeof AGENCY_ROLES)[number];

export interface BilingualText {
  fa: string;
  en: string;
}

export interface Agency {
  id: string;
  name: BilingualText;
  roles: AgencyRole[];
  /** Demo agencies exist for the embedded default only and are refused in production. */
  demo: boolean;
}

/**
 * A data-sharing agreement (R6): which consumer may ask which registry
 * service, for which purposes, for which data items, when, and how often.
 */
export interface Agreement {
  id: string;
  consumer: string;
  registry: string;
  service: string;
  /** The major version of the service it covers; absent in agreements made before versions existed, which cover 1. */
  major?: number;
  dataItems: string[];
  /** Purpose codes: the legal bases the consumer may cite in X-Purpose. */
  purposes: string[];
  /** First and last day in force, inclusive, YYYY-MM-DD in Tehran time. */
  validFrom: string;
  validUntil: string;
  dailyQuota: number;
  /** The working group's decision that approved it, when the contract names one. */
  resolution?: string | null;
  /** Active unless the working group suspended or revoked it; a file's agreement is active. */
  status?: 'active' | 'suspended' | 'revoked';
}

export function hasRole(agency: Agency, role: AgencyRole): boolean {
  return agency.roles.includes(role);
}

export function isInForce(agreement: Agreement, today: string): boolean {
  return agreement.validFrom <= today && today <= agreement.validUntil;
}

/** The major version an agreement covers: 1 when it names none (every agreement made before versions existed). */
export function majorCovered(agreement: Agreement): number {
  return agreement.major ?? 1;
}

/**
 * The agreements that allow an inquiry (standing, in force, agreeing its purpose): the majors they cover decide which
 * version may serve it, and the version chosen decides which of them is used (its quota, data items and record).
 */
export class Authorization {
  readonly majors: ReadonlySet<number>;

  constructor(readonly agreements: readonly Agreement[]) {
    this.majors = new Set(agreements.map(majorCovered));
  }

  /** The agreement for a major; a 403 `version-not-agreed` when none covers it (a version chosen elsewhere). */
  agreementFor(major: number): Agreement {
    const agreement = this.agreements.find((a) => majorCovered(a) === major);
    if (agreement) return agreement;
    const first = this.agreements[0];
    const covered = [...this.majors].sort((a, b) => a - b).join(', ');
    throw new ProblemError('version-not-agreed', `No agreement of yours covers major ${major} of ${first.registry}/${first.service} (agreements cover major ${covered}).`);
  }
}

/**
 * Decides whether an agency may make an inquiry (R6: denied unless an
 * agreement allows it). Answers the agreements that allow it, or throws a
 * ProblemError that names what is missing.
 */
export class AccessPolicy {
  private readonly byCall = new Map<string, Agreement[]>();

  constructor(agreements: readonly Agreement[]) {
    for (const agreement of agreements) {
      const key = callKey(agreement.consumer, agreement.registry, agreement.service);
      const list = this.byCall.get(key) ?? [];
      list.push(agreement);
      this.byCall.set(key, list);
    }
  }

  agreementsOf(consumer: string, registry: string, service: string): readonly Agreement[] {
    return this.byCall.get(callKey(consumer, registry, service)) ?? [];
  }

  /**
   * Refuses in this order: no consumer role, no agreement, none standing, none in force, no purpose, purpose not
   * agreed. Version selection comes after, over the majors the answer covers.
   */
  authorize(agency: Agency, registry: string, service: string, purpose: string | undefined, today: string): Authorization {
    const inForce = this.inForce(agency, registry, service, today);
    if (!purpose) {
      throw new ProblemError('purpose-required', 'The X-Purpose header must give the purpose code (legal basis) of this inquiry.', {
        errors: [{ pointer: 'header:X-Purpose', detail: 'is required' }],
      });
    }
    const allowing = inForce.filter((a) => a.purposes.includes(purpose));
    if (allowing.length === 0) {
      const allowed = [...new Set(inForce.flatMap((a) => a.purposes))].sort();
      throw new ProblemError('purpose-not-agreed', `Purpose "${purpose}" is not agreed for ${registry}/${service}; agreed purposes: ${allowed.join(', ')}.`, {
        errors: [{ pointer: 'header:X-Purpose', detail: `must be one of: ${allowed.join(', ')}` }],
      });
    }
    return new Authorization(allowing);
  }

  /**
   * The agreements in force that cover an event type (issue 14): an agreement whose `service` names the event type
   * (`person-changed` of registry `identity`) lets its consumer subscribe persons to it. No purpose is cited: the
   * subscription itself is the standing use the agreement allows.
   */
  coverEvents(agency: Agency, registry: string, eventType: string, today: string): readonly Agreement[] {
    return this.inForce(agency, registry, eventType, today);
  }

  /** Refuses in this order: no consumer role, no agreement, none standing, none in force. */
  private inForce(agency: Agency, registry: string, service: string, today: string): Agreement[] {
    if (!hasRole(agency, 'consumer')) {
      throw new ProblemError('role-required', `Agency ${agency.id} does not hold the consumer role, so it may not make inquiries.`);
    }
    const candidates = this.agreementsOf(agency.id, registry, service);
    if (candidates.length === 0) {
      throw new ProblemError('no-agreement', `Agency ${agency.id} holds no agreement for ${registry}/${service}.`, {
        missing: { consumer: agency.id, registry, service },
      });
    }
    const standing = candidates.filter((agreement) => (agreement.status ?? 'active') === 'active');
    if (standing.length === 0) {
      const stopped = candidates.map((a) => `${a.id} (${a.status}${a.resolution ? `, resolution ${a.resolution}` : ''})`).join(', ');
      throw new ProblemError('agreement-not-in-force', `The working group has suspended or revoked every agreement for ${registry}/${service}: ${stopped}.`);
    }
    const inForce = standing.filter((agreement) => isInForce(agreement, today));
    if (inForce.length === 0) {
      const periods = standing.map((a) => `${a.id} (${a.validFrom} to ${a.validUntil})`).join(', ');
      throw new ProblemError('agreement-not-in-force', `No agreement for ${registry}/${service} is in force on ${today}: ${periods}.`);
    }
    return inForce;
  }
}

function callKey(consumer: string, registry: string, service: string): string {
  return `${consumer}\u0000${registry}\u0000${service}`;
}
