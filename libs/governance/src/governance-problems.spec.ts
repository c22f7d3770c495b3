import { GovernanceInputError, GovernanceNotFoundError, IllegalTransitionError, NotPermittedError } from './governance-error';
import { governanceProblemOf } from './governance-problems';

describe('governanceProblemOf', () => {
  it('answers bad input with 400 naming the field by JSON pointer', () => {
    const problem = governanceProblemOf(new GovernanceInputError('purposes/1', '"X" is not a purpose code'))!;
    expect(problem.status).toBe(400);
    expect(problem.toDetails().errors).toEqual([{ pointer: '/purposes/1', detail: '"X" is not a purpose code' }]);
  });

  it('answers an illegal transition with 409 and the current state', () => {
    const problem = governanceProblemOf(new IllegalTransitionError('access request ar-1', 'approved', 'rejected'))!;
    expect(problem.status).toBe(409);
    expect(problem.toDetails()).toMatchObject({ type: '/problems/illegal-transition', currentState: 'approved', detail: 'Access request ar-1 is approved: it cannot be rejected.' });
  });

  it('answers no say with 403 and an unknown id with 404', () => {
    expect(governanceProblemOf(new NotPermittedError('a', 'decide access request ar-1'))!.status).toBe(403);
    expect(governanceProblemOf(new GovernanceNotFoundError('agreement x'))!.toDetails()).toMatchObject({ status: 404, type: '/problems/governance-not-found' });
  });

  it('leaves other errors alone', () => {
    expect(governanceProblemOf(new Error('boom'))).toBeNull();
  });
});
