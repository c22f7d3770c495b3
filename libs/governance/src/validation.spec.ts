import { GovernanceInputError } from './governance-error';
import { checkDataItems, checkKeyLimits, checkPurposes, checkQuota, checkValidity } from './validation';

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

  it("checks a key's expiry day and networks, naming the network", () => {
    expect(() => checkKeyLimits(null, null)).not.toThrow();
    expect(() => checkKeyLimits('2027-01-31', ['10.20.0.0/16', '192.0.2.7', '2001:db8::/32'])).not.toThrow();
    expect(fieldOf(() => checkKeyLimits('31/01/2027', null))).toBe('expires');
    expect(fieldOf(() => checkKeyLimits(null, ['10.0.0.0/8', '10.0.0.0/33']))).toBe('networks/1');
    expect(fieldOf(() => checkKeyLimits(null, ['intranet']))).toBe('networks/0');
    expect(fieldOf(() => checkKeyLimits(null, ['2001:db8::/129']))).toBe('networks/0');
  });
});
