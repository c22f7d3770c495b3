import type { GovernanceActor } from './actor';
import { GovernanceInputError, IllegalTransitionError, NotPermittedError } from './governance-error';
import { acceptServiceRequest, openDispute, rejectServiceRequest, resolveDispute, submitServiceRequest } from './service-request';
import { thrown } from './testing';

const WORKING_GROUP: GovernanceActor = { agencyId: 'interoperability-working-group', roles: ['working-group'] };
const AGENCY: GovernanceActor = { agencyId: 'police', roles: ['consumer'] };

describe('service requests (R7)', () => {
  const submitted = submitServiceRequest(AGENCY, 'sr-1', 'vehicle ownership history');

  it('are submitted by any agency and accepted with a custodian or rejected with a reason by the working group', () => {
    expect(submitted).toMatchObject({ requester: 'police', status: 'submitted' });
    expect(acceptServiceRequest(WORKING_GROUP, submitted, 'police')).toMatchObject({ status: 'accepted', assignedCustodian: 'police' });
    expect(rejectServiceRequest(WORKING_GROUP, submitted, 'exists as vehicle/plate')).toMatchObject({ status: 'rejected', reason: 'exists as vehicle/plate' });
    expect((thrown(() => rejectServiceRequest(WORKING_GROUP, submitted, '')) as GovernanceInputError).field).toBe('reason');
  });

  it('are triaged once, by the working group only', () => {
    const accepted = acceptServiceRequest(WORKING_GROUP, submitted, 'police');
    const rejected = rejectServiceRequest(WORKING_GROUP, submitted, 'no');
    for (const request of [accepted, rejected]) {
      expect((thrown(() => acceptServiceRequest(WORKING_GROUP, request, 'police')) as IllegalTransitionError).currentState).toBe(request.status);
      expect((thrown(() => rejectServiceRequest(WORKING_GROUP, request, 'no')) as IllegalTransitionError).currentState).toBe(request.status);
    }
    expect(thrown(() => acceptServiceRequest(AGENCY, submitted, 'police'))).toBeInstanceOf(NotPermittedError);
    expect(thrown(() => rejectServiceRequest(AGENCY, submitted, 'no'))).toBeInstanceOf(NotPermittedError);
  });
});

describe('disputes (R6)', () => {
  const open = openDispute(AGENCY, 'd-1', { kind: 'agreement', id: 'ag-1' }, 'quota too low');

  it('are opened by any party and resolved once, bindingly, by the working group', () => {
    expect(open).toMatchObject({ raisedBy: 'police', status: 'open', resolution: null });
    const resolved = resolveDispute(WORKING_GROUP, open, 'IWG-7');
    expect(resolved).toMatchObject({ status: 'resolved', resolution: 'IWG-7' });
    expect((thrown(() => resolveDispute(WORKING_GROUP, resolved, 'IWG-8')) as IllegalTransitionError).currentState).toBe('resolved');
    expect(thrown(() => resolveDispute(AGENCY, open, 'IWG-7'))).toBeInstanceOf(NotPermittedError);
    expect(thrown(() => resolveDispute(WORKING_GROUP, open, ''))).toBeInstanceOf(GovernanceInputError);
  });
});
