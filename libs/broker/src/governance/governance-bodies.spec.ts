import { ProblemError } from '@nix/domain';
import { governanceBody } from './governance-bodies';

function errorsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemError);
    expect((error as ProblemError).problemType).toBe('invalid-request');
    return (error as ProblemError).extras.errors;
  }
  throw new Error('expected a problem');
}

describe('governanceBody', () => {
  it('passes a valid body through, typed', () => {
    expect(governanceBody('decision', { decision: 'approved', resolution: 'IWG-1' })).toEqual({ decision: 'approved', resolution: 'IWG-1' });
  });

  it('names every field at fault by JSON pointer: missing, unknown, of the wrong type or shape', () => {
    expect(errorsOf(() => governanceBody('accessRequest', { registry: 'identity', service: 'person', dataItems: [], purposes: 'x', dailyQuota: 1.5, colour: 'red' }))).toEqual(
      expect.arrayContaining([
        { pointer: '/justification', detail: 'is required' },
        { pointer: '/colour', detail: 'is not a field of this request' },
        { pointer: '/dataItems', detail: expect.stringContaining('fewer than 1') },
        { pointer: '/purposes', detail: 'must be array' },
        { pointer: '/dailyQuota', detail: 'must be integer' },
      ]),
    );
    expect(errorsOf(() => governanceBody('apiKey', { expires: '2027-02-30' }))).toEqual([{ pointer: '/expires', detail: 'must be a valid date' }]);
    expect(errorsOf(() => governanceBody('dispute', { subject: { kind: 'treaty', id: 'x' }, statement: 's' }))).toEqual([{ pointer: '/subject/kind', detail: expect.any(String) }]);
  });

  it('takes no body as an empty object, which passes only where every field is optional', () => {
    expect(governanceBody('custodianStep', undefined)).toEqual({});
    expect(errorsOf(() => governanceBody('resolution', undefined))).toEqual([{ pointer: '/resolution', detail: 'is required' }]);
    expect(errorsOf(() => governanceBody('agency', ['not', 'an', 'object']))).toEqual([{ pointer: '', detail: 'must be object' }]);
  });

  it('refuses an amendment that changes nothing', () => {
    expect(errorsOf(() => governanceBody('amendment', { resolution: 'IWG-1' }))).toEqual([{ pointer: '', detail: 'must have at least 2 fields' }]);
  });
});
