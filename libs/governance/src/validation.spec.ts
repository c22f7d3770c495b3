import { GovernanceInputError } from './governance-error';
import { checkDataItems, checkPurposes, checkQuota, checkValidity } from './validation';

function fieldOf(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GovernanceInputError);
    return (error as GovernanceInputError).field;
  }
  throw new Error('expected a throw');
}

describe('governance input checks', () => {
  it('accepts purpose codes and names the bad one', () => {
    expect(() => checkPurposes(['taxpayer-registration', 'tax-audit'])).not.toThrow();
    expect(fieldOf(() => checkPurposes(['ok-code', 'Bad Code']))).toBe('purposes/1');
    expect(fieldOf(() => checkPurposes(['x']))).toBe('purposes/0');
    expect(fieldOf(() => checkPurposes([]))).toBe('purposes');
    expect(fieldOf(() => checkPurposes(['a1', 'a1']))).toBe('purposes');
  });

  it("accepts only properties of the service's answer as data items", () => {
    const answer = ['firstName', 'lastName', 'alive'];
    expect(() => checkDataItems(['firstName', 'alive'], answer)).not.toThrow();
    expect(fieldOf(() => checkDataItems(['firstName', 'nationalId'], answer))).toBe('dataItems/1');
    expect(fieldOf(() => checkDataItems([], answer))).toBe('dataItems');
  });

  it('checks quota and validity', () => {
    expect(() => checkQuota(1)).not.toThrow();
    expect(fieldOf(() => checkQuota(0))).toBe('dailyQuota');
    expect(fieldOf(() => checkQuota(1.5))).toBe('dailyQuota');
    expect(() => checkValidity('2026-03-21', '2027-03-20')).not.toThrow();
    expect(fieldOf(() => checkValidity('2026-03-21', '2026-03-20'))).toBe('validUntil');
    expect(fieldOf(() => checkValidity('21/03/2026', '2027-03-20'))).toBe('validFrom');
  });
});
