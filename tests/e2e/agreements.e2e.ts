import { agencyYaml, contractsWith, personAgreementYaml } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

const PERSON = { nationalId: '0067749828', birthDate: '1988-03-21' };

describe('agreements decide (R6)', () => {
  let nix: TestApp;
  const limited = { authorization: 'Bearer limited-key-0123456789', 'x-purpose': 'tax-audit' };

  beforeAll(async () => {
    const contracts = contractsWith({
      'agencies/test-limited.yaml': agencyYaml('test-limited', 'limited-key-0123456789'),
      'agencies/test-expired.yaml': agencyYaml('test-expired', 'expired-key-0123456789'),
      'agencies/test-netlock.yaml': agencyYaml('test-netlock', 'netlock-key-0123456789', '    networks: [10.20.0.0/16]\n'),
      'agreements/test-limited.yaml': personAgreementYaml('test-limited', 'limited-person', { dataItems: ['firstName', 'lastName'], dailyQuota: 3 }),
      'agreements/test-expired.yaml': personAgreementYaml('test-expired', 'expired-person', { dataItems: ['firstName'], dailyQuota: 100, validUntil: '2021-12-31' }),
      'agreements/test-netlock.yaml': personAgreementYaml('test-netlock', 'netlock-person', { dataItems: ['firstName'], dailyQuota: 100 }),
    });
    nix = await startTestApp({ NIX_CONTRACTS_DIR: contracts });
  });
  afterAll(() => nix.close());

  it('returns only the agreed data items', async () => {
    const response = await nix.inquire('identity', 'person', PERSON, limited);
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ firstName: 'زهرا', lastName: 'محمدی' });
  });

  it('denies, with 403 naming what is missing, a service outside the agreements', async () => {
    const response = await nix.inquire('legal-entity', 'company', { nationalId: '10100841331' }, limited);
    expect(response.status).toBe(403);
    expect(response.json).toMatchObject({
      type: '/problems/no-agreement',
      missing: { consumer: 'test-limited', registry: 'legal-entity', service: 'company' },
    });
    expect(response.json.detail).toContain('legal-entity/company');
  });

  it('denies an agreement that is no longer in force', async () => {
    const response = await nix.inquire('identity', 'person', PERSON, { authorization: 'Bearer expired-key-0123456789', 'x-purpose': 'tax-audit' });
    expect(response.status).toBe(403);
    expect(response.json.type).toBe('/problems/agreement-not-in-force');
    expect(response.json.detail).toContain('2021-12-31');
  });

  it("refuses a key used outside its agency's registered networks", async () => {
    const response = await nix.inquire('identity', 'person', PERSON, { authorization: 'Bearer netlock-key-0123456789', 'x-purpose': 'tax-audit' });
    expect(response.status).toBe(403);
    expect(response.json.type).toBe('/problems/network-not-allowed');
  });

  it('answers 429 with Retry-After once the daily quota is used up, and does not count refused inquiries', async () => {
    const invalid = await nix.inquire('identity', 'person', { nationalId: '1' }, limited);
    expect(invalid.status).toBe(400);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await nix.inquire('identity', 'person', PERSON, limited));
    const statuses = answers.map((answer) => answer.status);
    const last = answers[3];
    // The first test of this suite used one of the three.
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(last.headers['content-type']).toMatch(/^application\/problem\+json/);
    const retryAfter = Number(last.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);
    expect(last.json).toMatchObject({ type: '/problems/quota-exceeded', quota: 3, retryAfter });
  });
});
