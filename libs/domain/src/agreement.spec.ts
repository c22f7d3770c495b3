import { AccessPolicy, ProblemError, isInForce, type Agency, type Agreement } from '@nix/domain';

const consumer: Agency = { id: 'tax-organization', name: { fa: 'سازمان امور مالیاتی', en: 'Tax' }, roles: ['consumer'], demo: false };

function agreement(overrides: Partial<Agreement> = {}): Agreement {
  return {
    id: 'tax-identity-person-1405',
    consumer: 'tax-organization',
    registry: 'identity',
    service: 'person',
    dataItems: ['firstName', 'lastName'],
    purposes: ['taxpayer-registration'],
    validFrom: '2026-03-21',
    validUntil: '2027-03-20',
    dailyQuota: 1000,
    ...overrides,
  };
}

/** Runs authorize and answers the ProblemError it throws. */
function refusal(policy: AccessPolicy, agency: Agency, purpose: string | undefined, today: string, registry = 'identity', service = 'person'): ProblemError {
  try {
    policy.authorize(agency, registry, service, purpose, today);
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemError);
    return error as ProblemError;
  }
  throw new Error('authorize allowed the inquiry');
}

describe('AccessPolicy.authorize', () => {
  const policy = new AccessPolicy([agreement()]);

  it('answers the agreement that allows the inquiry', () => {
    expect(policy.authorize(consumer, 'identity', 'person', 'taxpayer-registration', '2026-06-01').agreementFor(1)).toEqual(agreement());
  });

  it.each([
    ['a provider', ['provider'] as Agency['roles']],
    ['the working group', ['working-group'] as Agency['roles']],
  ])('refuses %s, which lacks the consumer role, even with an agreement', (_who, roles) => {
    const problem = refusal(policy, { ...consumer, roles }, 'taxpayer-registration', '2026-06-01');
    expect(problem.problemType).toBe('role-required');
    expect(problem.status).toBe(403);
    expect(problem.outcome).toBe('denied');
    expect(problem.detail).toContain('tax-organization');
    expect(problem.detail).toContain('consumer role');
  });

  it('accepts an agency holding the consumer role among others', () => {
    const both: Agency = { ...consumer, roles: ['provider', 'consumer'] };
    expect(policy.authorize(both, 'identity', 'person', 'taxpayer-registration', '2026-06-01').agreementFor(1).id).toBe('tax-identity-person-1405');
  });

  it('refuses under an agreement the working group suspended or revoked, naming it and the resolution, and allows under another one that stands', () => {
    const suspended = agreement({ status: 'suspended', resolution: 'WG-1405-17' });
    const problem = refusal(new AccessPolicy([suspended]), consumer, 'taxpayer-registration', '2026-06-01');
    expect(problem.problemType).toBe('agreement-not-in-force');
    expect(problem.status).toBe(403);
    expect(problem.detail).toContain('tax-identity-person-1405 (suspended, resolution WG-1405-17)');
    expect(refusal(new AccessPolicy([agreement({ status: 'revoked' })]), consumer, 'taxpayer-registration', '2026-06-01').detail).toContain('(revoked)');
    const standing = agreement({ id: 'second', status: 'active' });
    expect(new AccessPolicy([suspended, standing]).authorize(consumer, 'identity', 'person', 'taxpayer-registration', '2026-06-01').agreementFor(1).id).toBe('second');
  });

  it('refuses an agency with no agreement for the service, naming what is missing', () => {
    const problem = refusal(policy, consumer, 'taxpayer-registration', '2026-06-01', 'identity', 'person-verification');
    expect(problem.problemType).toBe('no-agreement');
    expect(problem.status).toBe(403);
    expect(problem.detail).toBe('Agency tax-organization holds no agreement for identity/person-verification.');
    expect(problem.extras.missing).toEqual({ consumer: 'tax-organization', registry: 'identity', service: 'person-verification' });
  });

  it("does not lend one consumer's agreement to another", () => {
    const other: Agency = { ...consumer, id: 'social-security' };
    const problem = refusal(policy, other, 'taxpayer-registration', '2026-06-01');
    expect(problem.problemType).toBe('no-agreement');
    expect(problem.detail).toContain('social-security');
  });

  it.each(['2026-03-21', '2026-09-23', '2027-03-20'])('is in force on %s (bounds inclusive)', (today) => {
    expect(policy.authorize(consumer, 'identity', 'person', 'taxpayer-registration', today).agreementFor(1).id).toBe('tax-identity-person-1405');
    expect(isInForce(agreement(), today)).toBe(true);
  });

  it.each([
    ['the day before validFrom', '2026-03-20'],
    ['the day after validUntil', '2027-03-21'],
    ['years later', '2030-01-01'],
  ])('refuses %s as not in force, naming the periods', (_when, today) => {
    const problem = refusal(policy, consumer, 'taxpayer-registration', today);
    expect(problem.problemType).toBe('agreement-not-in-force');
    expect(problem.status).toBe(403);
    expect(problem.detail).toContain(today);
    expect(problem.detail).toContain('tax-identity-person-1405 (2026-03-21 to 2027-03-20)');
    expect(isInForce(agreement(), today)).toBe(false);
  });

  it('checks the dates before the purpose', () => {
    expect(refusal(policy, consumer, undefined, '2026-03-20').problemType).toBe('agreement-not-in-force');
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
  ])('asks for the purpose when it is %s (400)', (_how, purpose) => {
    const problem = refusal(policy, consumer, purpose, '2026-06-01');
    expect(problem.problemType).toBe('purpose-required');
    expect(problem.status).toBe(400);
    expect(problem.outcome).toBe('invalid');
    expect(problem.detail).toContain('X-Purpose');
    expect(problem.extras.errors).toEqual([{ pointer: 'header:X-Purpose', detail: 'is required' }]);
  });

  it('refuses a purpose not agreed (403), listing the agreed ones', () => {
    const twoPurposes = new AccessPolicy([agreement({ purposes: ['tax-audit', 'taxpayer-registration'] })]);
    const problem = refusal(twoPurposes, consumer, 'marketing', '2026-06-01');
    expect(problem.problemType).toBe('purpose-not-agreed');
    expect(problem.status).toBe(403);
    expect(problem.detail).toBe('Purpose "marketing" is not agreed for identity/person; agreed purposes: tax-audit, taxpayer-registration.');
    expect(problem.extras.errors).toEqual([{ pointer: 'header:X-Purpose', detail: 'must be one of: tax-audit, taxpayer-registration' }]);
  });

  it('compares purposes exactly', () => {
    expect(refusal(policy, consumer, 'Taxpayer-Registration', '2026-06-01').problemType).toBe('purpose-not-agreed');
  });

  describe('among several agreements for one service', () => {
    const lastYear = agreement({ id: 'tax-1404', validFrom: '2025-03-21', validUntil: '2026-03-20', purposes: ['taxpayer-registration', 'old-purpose'] });
    const thisYear = agreement({ id: 'tax-1405', validFrom: '2026-03-21', validUntil: '2027-03-20', purposes: ['taxpayer-registration'] });
    const audit = agreement({ id: 'tax-audit-1405', validFrom: '2026-03-21', validUntil: '2027-03-20', purposes: ['tax-audit'], dataItems: ['alive'] });
    const elsewhere = agreement({ id: 'tax-company', registry: 'legal-entity', service: 'company', purposes: ['tax-audit'] });
    const several = new AccessPolicy([lastYear, thisYear, audit, elsewhere]);

    it('chooses the one in force on the day', () => {
      expect(several.authorize(consumer, 'identity', 'person', 'taxpayer-registration', '2026-03-20').agreementFor(1).id).toBe('tax-1404');
      expect(several.authorize(consumer, 'identity', 'person', 'taxpayer-registration', '2026-03-21').agreementFor(1).id).toBe('tax-1405');
    });

    it('chooses the one whose purposes include the one cited', () => {
      expect(several.authorize(consumer, 'identity', 'person', 'tax-audit', '2026-06-01').agreementFor(1)).toBe(audit);
      expect(several.authorize(consumer, 'identity', 'person', 'taxpayer-registration', '2026-06-01').agreementFor(1)).toBe(thisYear);
    });

    it('lists only the purposes of the agreements in force, sorted and without repeats', () => {
      const problem = refusal(several, consumer, 'old-purpose', '2026-06-01');
      expect(problem.problemType).toBe('purpose-not-agreed');
      expect(problem.detail).toContain('agreed purposes: tax-audit, taxpayer-registration.');
      expect(problem.extras.errors).toEqual([{ pointer: 'header:X-Purpose', detail: 'must be one of: tax-audit, taxpayer-registration' }]);
    });

    it('keeps agreements for other services apart', () => {
      expect(several.agreementsOf('tax-organization', 'identity', 'person').map((a) => a.id)).toEqual(['tax-1404', 'tax-1405', 'tax-audit-1405']);
      expect(several.agreementsOf('tax-organization', 'legal-entity', 'company')).toEqual([elsewhere]);
      expect(several.agreementsOf('tax-organization', 'vehicle', 'vehicle')).toEqual([]);
    });

    it('names every period when none is in force', () => {
      const problem = refusal(several, consumer, 'taxpayer-registration', '2024-01-01');
      expect(problem.detail).toBe(
        'No agreement for identity/person is in force on 2024-01-01: ' +
          'tax-1404 (2025-03-21 to 2026-03-20), tax-1405 (2026-03-21 to 2027-03-20), tax-audit-1405 (2026-03-21 to 2027-03-20).',
      );
    });
  });
});

describe('AccessPolicy.authorize with majors', () => {
  const v1 = agreement({ id: 'tax-v1' });
  const v2 = agreement({ id: 'tax-v2', major: 2, dataItems: ['firstName', 'birthDate'] });
  const v2Audit = agreement({ id: 'tax-v2-audit', major: 2, purposes: ['tax-audit'] });
  const v3Stopped = agreement({ id: 'tax-v3', major: 3, status: 'suspended' });
  const v3Expired = agreement({ id: 'tax-v3-old', major: 3, validUntil: '2026-03-20' });
  const policy = new AccessPolicy([v1, v2, v2Audit, v3Stopped, v3Expired]);

  it('gives the majors that the agreements allowing the inquiry cover (an agreement naming none covers 1)', () => {
    expect([...policy.authorize(consumer, 'identity', 'person', 'taxpayer-registration', '2026-06-01').majors].sort()).toEqual([1, 2]);
    expect([...policy.authorize(consumer, 'identity', 'person', 'tax-audit', '2026-06-01').majors]).toEqual([2]);
  });

  it("uses the agreement for the chosen version's major", () => {
    const authorization = policy.authorize(consumer, 'identity', 'person', 'taxpayer-registration', '2026-06-01');
    expect(authorization.agreementFor(1)).toBe(v1);
    expect(authorization.agreementFor(2)).toBe(v2);
    expect(policy.authorize(consumer, 'identity', 'person', 'tax-audit', '2026-06-01').agreementFor(2)).toBe(v2Audit);
  });

  it('refuses a major that no allowing agreement covers with version-not-agreed, naming the majors covered', () => {
    const authorization = policy.authorize(consumer, 'identity', 'person', 'tax-audit', '2026-06-01');
    let problem: unknown;
    try {
      authorization.agreementFor(3);
    } catch (error) {
      problem = error;
    }
    expect(problem).toBeInstanceOf(ProblemError);
    expect((problem as ProblemError).problemType).toBe('version-not-agreed');
    expect((problem as ProblemError).status).toBe(403);
    expect((problem as ProblemError).detail).toBe('No agreement of yours covers major 3 of identity/person (agreements cover major 2).');
  });

  it('keeps the order of refusals whatever majors are held: suspended, not in force, then purpose', () => {
    expect(refusal(new AccessPolicy([v3Stopped]), consumer, 'taxpayer-registration', '2026-06-01').problemType).toBe('agreement-not-in-force');
    expect(refusal(new AccessPolicy([v3Expired, v3Stopped]), consumer, 'taxpayer-registration', '2026-06-01').problemType).toBe('agreement-not-in-force');
    expect(refusal(policy, consumer, 'marketing', '2026-06-01').problemType).toBe('purpose-not-agreed');
  });
});
