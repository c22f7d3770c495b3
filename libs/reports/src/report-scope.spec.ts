import { ProblemError, type Agency } from '@nix/domain';
import { checkAgencyReport, checkFilters, covers, scopeOf } from './report-scope';

const agency = (id: string, roles: Agency['roles']): Agency => ({ id, name: { fa: id, en: id }, roles, demo: false });
const WG = scopeOf(agency('iwg', ['working-group']));
const TAX = scopeOf(agency('tax-organization', ['consumer']));
const CIVIL = scopeOf(agency('civil-registration', ['provider']));
const BOTH = scopeOf(agency('post', ['consumer', 'provider']));

function refusal(run: () => void): { status: number; type: string; pointer: string } | null {
  try {
    run();
    return null;
  } catch (error) {
    const problem = error as ProblemError;
    return { status: problem.status, type: problem.problemType, pointer: problem.extras.errors![0].pointer };
  }
}

describe('who sees which traffic in reports', () => {
  it('lets the working group see everything', () => {
    expect(covers(WG, { consumer: 'anyone', provider: 'anyone-else' })).toBe(true);
    expect(refusal(() => checkFilters(WG, { consumer: 'tax-organization', provider: 'police' }))).toBeNull();
    expect(refusal(() => checkAgencyReport(WG, 'tax-organization'))).toBeNull();
  });

  it('lets a consumer see its own usage, of any provider, and nobody else’s', () => {
    expect(covers(TAX, { consumer: 'tax-organization', provider: 'civil-registration' })).toBe(true);
    expect(covers(TAX, { consumer: 'social-security', provider: 'civil-registration' })).toBe(false);
    expect(refusal(() => checkFilters(TAX, { consumer: 'tax-organization', provider: 'civil-registration' }))).toBeNull();
    expect(refusal(() => checkFilters(TAX, { consumer: 'social-security' }))).toEqual({ status: 403, type: 'report-out-of-scope', pointer: 'query:consumer' });
  });

  it('lets a provider see the use of its own services, by any consumer, and not other providers’', () => {
    expect(covers(CIVIL, { consumer: 'tax-organization', provider: 'civil-registration' })).toBe(true);
    expect(covers(CIVIL, { consumer: 'tax-organization', provider: 'police' })).toBe(false);
    expect(refusal(() => checkFilters(CIVIL, { consumer: 'tax-organization' }))).toBeNull();
    expect(refusal(() => checkFilters(CIVIL, { provider: 'police' }))).toEqual({ status: 403, type: 'report-out-of-scope', pointer: 'query:provider' });
  });

  it('gives an agency with both roles both views', () => {
    expect(covers(BOTH, { consumer: 'post', provider: 'police' })).toBe(true);
    expect(covers(BOTH, { consumer: 'tax-organization', provider: 'post' })).toBe(true);
    expect(covers(BOTH, { consumer: 'tax-organization', provider: 'police' })).toBe(false);
  });

  it('shows an agency report to the agency itself and the working group only', () => {
    expect(refusal(() => checkAgencyReport(TAX, 'tax-organization'))).toBeNull();
    expect(refusal(() => checkAgencyReport(TAX, 'social-security'))).toEqual({ status: 403, type: 'report-out-of-scope', pointer: 'path:agencyId' });
    expect(refusal(() => checkAgencyReport(CIVIL, 'tax-organization'))).not.toBeNull();
  });
});
