import { isWorkingGroup, type GovernanceActor } from './actor';
import type { GovernedAgreement } from './agreement-lifecycle';
import { IllegalTransitionError, NotPermittedError } from './governance-error';

export const ACCESS_REQUEST_STATES = ['pending-custodian', 'pending-working-group', 'refused', 'approved', 'rejected'] as const;
export type AccessRequestState = (typeof ACCESS_REQUEST_STATES)[number];

/** A consumer's request for access to one registry service; an agreement when the working group approves it. */
export interface AccessRequest {
  id: string;
  consumer: string;
  registry: string;
  /** The custodian of `registry`, fixed when the request is filed. */
  custodian: string;
  service: string;
  /** The major version of the service asked for. */
  major: number;
  dataItems: string[];
  purposes: string[];
  dailyQuota: number;
  validFrom: string | null;
  validUntil: string | null;
  justification: string;
  status: AccessRequestState;
  /** Set when approved: the agreement the decision created. */
  agreementId: string | null;
  resolution: string | null;
}

export type AccessRequestDraft = Omit<AccessRequest, 'status' | 'agreementId' | 'resolution'>;

/** The consumer files a request for itself; it starts waiting for the custodian. */
export function fileAccessRequest(actor: GovernanceActor, draft: AccessRequestDraft): AccessRequest {
  if (actor.agencyId !== draft.consumer || !actor.roles.includes('consumer')) throw new NotPermittedError(actor.agencyId, `file an access request for ${draft.consumer}`);
  return { ...draft, status: 'pending-custodian', agreementId: null, resolution: null };
}

function requireCustodian(actor: GovernanceActor, request: AccessRequest, action: string): void {
  if (actor.agencyId !== request.custodian) throw new NotPermittedError(actor.agencyId, `${action} access request ${request.id} (registry ${request.registry} is held by ${request.custodian})`);
}

function requireState(request: AccessRequest, state: AccessRequestState, attempted: string): void {
  if (request.status !== state) throw new IllegalTransitionError(`access request ${request.id}`, request.status, attempted);
}

/** Only the custodian of the request's registry consents, and only while it waits for the custodian. */
export function consentToAccessRequest(actor: GovernanceActor, request: AccessRequest): AccessRequest {
  requireCustodian(actor, request, 'consent to');
  requireState(request, 'pending-custodian', 'consented to');
  return { ...request, status: 'pending-working-group' };
}

export function refuseAccessRequest(actor: GovernanceActor, request: AccessRequest): AccessRequest {
  requireCustodian(actor, request, 'refuse');
  requireState(request, 'pending-custodian', 'refused');
  return { ...request, status: 'refused' };
}

export type AccessDecision = { decision: 'approved'; resolution: string; agreementId: string } | { decision: 'rejected'; resolution: string };

/** Only the working group decides, and only once the custodian has consented. */
export function decideAccessRequest(actor: GovernanceActor, request: AccessRequest, decision: AccessDecision): AccessRequest {
  if (!isWorkingGroup(actor)) throw new NotPermittedError(actor.agencyId, `decide access request ${request.id}`);
  requireState(request, 'pending-working-group', decision.decision);
  return decision.decision === 'approved'
    ? { ...request, status: 'approved', agreementId: decision.agreementId, resolution: decision.resolution }
    : { ...request, status: 'rejected', resolution: decision.resolution };
}

/** Who may see a request: its consumer, the custodian of its registry, the working group. */
export function maySeeAccessRequest(actor: GovernanceActor, request: AccessRequest): boolean {
  return isWorkingGroup(actor) || actor.agencyId === request.consumer || actor.agencyId === request.custodian;
}

/** The day a year after `day`, less one (an agreement's default term when the request names no validity). */
function yearAfter(day: string): string {
  const end = new Date(`${day}T00:00:00Z`);
  end.setUTCFullYear(end.getUTCFullYear() + 1);
  end.setUTCDate(end.getUTCDate() - 1);
  return end.toISOString().slice(0, 10);
}

/**
 * The agreement an approved request creates: its items, purposes and quota, with the decision's resolution. Without
 * a validity in the request it runs from the decision day for a year.
 */
export function agreementFromApprovedRequest(request: AccessRequest, decisionDay: string): GovernedAgreement {
  if (request.status !== 'approved' || request.agreementId === null || request.resolution === null) {
    throw new IllegalTransitionError(`access request ${request.id}`, request.status, 'turned into an agreement');
  }
  const validFrom = request.validFrom ?? decisionDay;
  return {
    id: request.agreementId,
    consumer: request.consumer,
    registry: request.registry,
    service: request.service,
    major: request.major,
    dataItems: request.dataItems,
    purposes: request.purposes,
    dailyQuota: request.dailyQuota,
    validFrom,
    validUntil: request.validUntil ?? yearAfter(validFrom),
    resolution: request.resolution,
    status: 'active',
  };
}
