import {
  agreementFromApprovedRequest,
  consentToAccessRequest,
  decideAccessRequest,
  fileAccessRequest,
  maySeeAccessRequest,
  refuseAccessRequest,
  type AccessRequest,
  type AccessRequestState,
} from './access-request';
import type { GovernanceActor } from './actor';
import { IllegalTransitionError, NotPermittedError } from './governance-error';
import { thrown } from './testing';

const CONSUMER: GovernanceActor = { agencyId: 'tax-organization', roles: ['consumer'] };
const CUSTODIAN: GovernanceActor = { agencyId: 'civil-registration', roles: ['provider'] };
const OTHER_CUSTODIAN: GovernanceActor = { agencyId: 'iran-post', roles: ['provider'] };
const WORKING_GROUP: GovernanceActor = { agencyId: 'interoperability-working-group', roles: ['working-group'] };

const DRAFT = {
  id: 'ar-1',
  consumer: 'tax-organization',
  registry: 'identity',
  custodian: 'civil-registration',
  service: 'person',
  major: 1,
  dataItems: ['firstName', 'alive'],
  purposes: ['taxpayer-registration'],
  dailyQuota: 1000,
  validFrom: null,
  validUntil: null,
  justification: 'Art. 5',
};

function inState(status: AccessRequestState): AccessRequest {
  return { ...fileAccessRequest(CONSUMER, DRAFT), status };
}

function stateOf(error: unknown): string {
  expect(error).toBeInstanceOf(IllegalTransitionError);
  return (error as IllegalTransitionError).currentState;
}

describe('the access-request state machine', () => {
  it('files a request as pending-custodian, for the consumer itself only', () => {
    expect(fileAccessRequest(CONSUMER, DRAFT)).toMatchObject({ status: 'pending-custodian', agreementId: null, resolution: null });
    expect(thrown(() => fileAccessRequest({ agencyId: 'police', roles: ['consumer'] }, DRAFT))).toBeInstanceOf(NotPermittedError);
    expect(thrown(() => fileAccessRequest({ agencyId: 'tax-organization', roles: ['provider'] }, DRAFT))).toBeInstanceOf(NotPermittedError);
  });

  it('goes pending-custodian → pending-working-group → approved, with the agreement id and resolution', () => {
    const consented = consentToAccessRequest(CUSTODIAN, fileAccessRequest(CONSUMER, DRAFT));
    expect(consented.status).toBe('pending-working-group');
    const approved = decideAccessRequest(WORKING_GROUP, consented, { decision: 'approved', resolution: 'IWG-1405-3', agreementId: 'ag-1' });
    expect(approved).toMatchObject({ status: 'approved', agreementId: 'ag-1', resolution: 'IWG-1405-3' });
  });

  it('goes pending-working-group → rejected', () => {
    const rejected = decideAccessRequest(WORKING_GROUP, inState('pending-working-group'), { decision: 'rejected', resolution: 'IWG-1405-4' });
    expect(rejected).toMatchObject({ status: 'rejected', agreementId: null, resolution: 'IWG-1405-4' });
  });

  it('goes pending-custodian → refused', () => {
    expect(refuseAccessRequest(CUSTODIAN, inState('pending-custodian')).status).toBe('refused');
  });

  const others = (allowed: AccessRequestState[]) =>
    (['pending-custodian', 'pending-working-group', 'refused', 'approved', 'rejected'] as AccessRequestState[]).filter((s) => !allowed.includes(s));

  it.each(others(['pending-custodian']))('refuses consent and refusal in state %s, naming the state', (state) => {
    expect(stateOf(thrown(() => consentToAccessRequest(CUSTODIAN, inState(state))))).toBe(state);
    expect(stateOf(thrown(() => refuseAccessRequest(CUSTODIAN, inState(state))))).toBe(state);
  });

  it.each(others(['pending-working-group']))('refuses a decision in state %s, naming the state', (state) => {
    expect(stateOf(thrown(() => decideAccessRequest(WORKING_GROUP, inState(state), { decision: 'approved', resolution: 'r', agreementId: 'a' })))).toBe(state);
    expect(stateOf(thrown(() => decideAccessRequest(WORKING_GROUP, inState(state), { decision: 'rejected', resolution: 'r' })))).toBe(state);
  });

  it("lets only the registry's custodian consent or refuse", () => {
    for (const actor of [OTHER_CUSTODIAN, CONSUMER, WORKING_GROUP]) {
      expect(thrown(() => consentToAccessRequest(actor, inState('pending-custodian')))).toBeInstanceOf(NotPermittedError);
      expect(thrown(() => refuseAccessRequest(actor, inState('pending-custodian')))).toBeInstanceOf(NotPermittedError);
    }
  });

  it('lets only the working group decide', () => {
    for (const actor of [CUSTODIAN, CONSUMER]) {
      expect(thrown(() => decideAccessRequest(actor, inState('pending-working-group'), { decision: 'rejected', resolution: 'r' }))).toBeInstanceOf(NotPermittedError);
    }
  });

  it('shows a request to its consumer, its custodian and the working group only', () => {
    const request = inState('pending-custodian');
    expect([CONSUMER, CUSTODIAN, WORKING_GROUP].map((a) => maySeeAccessRequest(a, request))).toEqual([true, true, true]);
    expect([OTHER_CUSTODIAN, { agencyId: 'police', roles: ['consumer'] } as GovernanceActor].map((a) => maySeeAccessRequest(a, request))).toEqual([false, false]);
  });

  it('turns an approved request into an active agreement with its resolution, for a year from the decision day by default', () => {
    const approved = decideAccessRequest(WORKING_GROUP, inState('pending-working-group'), { decision: 'approved', resolution: 'IWG-1405-3', agreementId: 'ag-1' });
    expect(agreementFromApprovedRequest(approved, '2026-03-21')).toEqual({
      id: 'ag-1',
      consumer: 'tax-organization',
      registry: 'identity',
      service: 'person',
      major: 1,
      dataItems: ['firstName', 'alive'],
      purposes: ['taxpayer-registration'],
      dailyQuota: 1000,
      validFrom: '2026-03-21',
      validUntil: '2027-03-20',
      resolution: 'IWG-1405-3',
      status: 'active',
    });
    expect(agreementFromApprovedRequest({ ...approved, validFrom: '2026-05-01', validUntil: '2026-06-30' }, '2026-03-21')).toMatchObject({ validFrom: '2026-05-01', validUntil: '2026-06-30' });
    expect(agreementFromApprovedRequest({ ...approved, major: 2 }, '2026-03-21')).toMatchObject({ major: 2 });
    expect(stateOf(thrown(() => agreementFromApprovedRequest(inState('pending-working-group'), '2026-03-21')))).toBe('pending-working-group');
  });
});
