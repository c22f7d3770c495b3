import { isWorkingGroup, type GovernanceActor } from './actor';
import { IllegalTransitionError, NotPermittedError } from './governance-error';
import { checkResolution } from './validation';

/** R7: a service that does not exist yet, requested from the working group. */
export interface ServiceRequest {
  id: string;
  requester: string;
  description: string;
  status: 'submitted' | 'accepted' | 'rejected';
  /** Set when accepted: the custodian asked to build it. */
  assignedCustodian: string | null;
  /** Set when rejected. */
  reason: string | null;
}

export function submitServiceRequest(actor: GovernanceActor, id: string, description: string): ServiceRequest {
  return { id, requester: actor.agencyId, description, status: 'submitted', assignedCustodian: null, reason: null };
}

function triage(actor: GovernanceActor, request: ServiceRequest, attempted: string): void {
  if (!isWorkingGroup(actor)) throw new NotPermittedError(actor.agencyId, `triage service request ${request.id}`);
  if (request.status !== 'submitted') throw new IllegalTransitionError(`service request ${request.id}`, request.status, attempted);
}

export function acceptServiceRequest(actor: GovernanceActor, request: ServiceRequest, custodian: string): ServiceRequest {
  triage(actor, request, 'accepted');
  return { ...request, status: 'accepted', assignedCustodian: checkResolution(custodian, 'custodian') };
}

export function rejectServiceRequest(actor: GovernanceActor, request: ServiceRequest, reason: string): ServiceRequest {
  triage(actor, request, 'rejected');
  return { ...request, status: 'rejected', reason: checkResolution(reason, 'reason') };
}

/** R6: a dispute about an agreement or a request, settled by the working group with a binding resolution. */
export interface Dispute {
  id: string;
  raisedBy: string;
  subject: { kind: 'agreement' | 'access-request'; id: string };
  statement: string;
  status: 'open' | 'resolved';
  resolution: string | null;
}

export function openDispute(actor: GovernanceActor, id: string, subject: Dispute['subject'], statement: string): Dispute {
  return { id, raisedBy: actor.agencyId, subject, statement, status: 'open', resolution: null };
}

export function resolveDispute(actor: GovernanceActor, dispute: Dispute, resolution: string): Dispute {
  if (!isWorkingGroup(actor)) throw new NotPermittedError(actor.agencyId, `resolve dispute ${dispute.id}`);
  if (dispute.status !== 'open') throw new IllegalTransitionError(`dispute ${dispute.id}`, dispute.status, 'resolved');
  return { ...dispute, status: 'resolved', resolution: checkResolution(resolution) };
}
