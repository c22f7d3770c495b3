import type { GovernanceActor } from './actor';
import { amendAgreement, reinstateAgreement, revokeAgreement, suspendAgreement, type AgreementState, type GovernedAgreement } from './agreement-lifecycle';
import { GovernanceInputError, IllegalTransitionError, NotPermittedError } from './governance-error';
import { thrown } from './testing';

const WORKING_GROUP: GovernanceActor = { agencyId: 'interoperability-working-group', roles: ['working-group'] };
const CONSUMER: GovernanceActor = { agencyId: 'tax-organization', roles: ['consumer'] };

function agreement(status: AgreementState): GovernedAgreement {
  return {
    id: 'ag-1',
    consumer: 'tax-organization',
    registry: 'identity',
    service: 'person',
    dataItems: ['firstName'],
    purposes: ['taxpayer-registration'],
    validFrom: '2026-03-21',
    validUntil: '2027-03-20',
    dailyQuota: 10,
    resolution: 'IWG-1',
    status,
  };
}

describe("an agreement's lifecycle", () => {
  it('goes active → suspended → active → revoked, each with its resolution', () => {
    const suspended = suspendAgreement(WORKING_GROUP, agreement('active'), 'IWG-2');
    expect(suspended).toMatchObject({ status: 'suspended', resolution: 'IWG-2' });
    const active = reinstateAgreement(WORKING_GROUP, suspended, 'IWG-3');
    expect(active).toMatchObject({ status: 'active', resolution: 'IWG-3' });
    expect(revokeAgreement(WORKING_GROUP, active, 'IWG-4')).toMatchObject({ status: 'revoked', resolution: 'IWG-4' });
  });

  it('revokes a suspended agreement', () => {
    expect(revokeAgreement(WORKING_GROUP, agreement('suspended'), 'IWG-5').status).toBe('revoked');
  });

  it.each([
    ['suspend', 'suspended', (a: GovernedAgreement) => suspendAgreement(WORKING_GROUP, a, 'r')],
    ['suspend', 'revoked', (a: GovernedAgreement) => suspendAgreement(WORKING_GROUP, a, 'r')],
    ['reinstate', 'active', (a: GovernedAgreement) => reinstateAgreement(WORKING_GROUP, a, 'r')],
    ['reinstate', 'revoked', (a: GovernedAgreement) => reinstateAgreement(WORKING_GROUP, a, 'r')],
    ['revoke', 'revoked', (a: GovernedAgreement) => revokeAgreement(WORKING_GROUP, a, 'r')],
    ['amend', 'revoked', (a: GovernedAgreement) => amendAgreement(WORKING_GROUP, a, { dailyQuota: 5, resolution: 'r' })],
  ] as const)('refuses to %s an agreement that is %s, naming its state', (_action, state, act) => {
    const error = thrown(() => act(agreement(state)));
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect((error as IllegalTransitionError).currentState).toBe(state);
  });

  it('amends quota, items, purposes and validity, always with a resolution', () => {
    const amended = amendAgreement(WORKING_GROUP, agreement('suspended'), {
      dailyQuota: 20,
      dataItems: ['firstName', 'alive'],
      purposes: ['tax-audit'],
      validFrom: '2026-04-01',
      validUntil: '2027-04-01',
      resolution: 'IWG-9',
    });
    expect(amended).toMatchObject({ dailyQuota: 20, dataItems: ['firstName', 'alive'], purposes: ['tax-audit'], validFrom: '2026-04-01', validUntil: '2027-04-01', resolution: 'IWG-9', status: 'suspended' });
    const error = thrown(() => amendAgreement(WORKING_GROUP, agreement('active'), { dailyQuota: 5, resolution: ' ' }));
    expect(error).toBeInstanceOf(GovernanceInputError);
    expect((error as GovernanceInputError).field).toBe('resolution');
  });

  it('lets only the working group change an agreement', () => {
    for (const act of [
      () => suspendAgreement(CONSUMER, agreement('active'), 'r'),
      () => reinstateAgreement(CONSUMER, agreement('suspended'), 'r'),
      () => revokeAgreement(CONSUMER, agreement('active'), 'r'),
      () => amendAgreement(CONSUMER, agreement('active'), { dailyQuota: 1, resolution: 'r' }),
    ]) {
      expect(thrown(act)).toBeInstanceOf(NotPermittedError);
    }
  });
});
