import { CONTRACTS } from '@nix/broker';
import type { ContractSet } from '@nix/contracts';
import { GovernanceRepository } from '@nix/governance';
import { parseCsv } from '../support/report-traffic';
import { freePort } from '../support/ports';
import { eventually } from '../support/polling';
import { startTestApp, type TestApp, type TestResponse } from '../support/test-app';

const WG = { authorization: 'Bearer demo-wg-key' };
const DEMO = { authorization: 'Bearer demo-key' };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const AGREEMENT_FIELDS = ['id', 'consumer', 'registry', 'service', 'major', 'dataItems', 'purposes', 'dailyQuota', 'validFrom', 'validUntil', 'resolution', 'status'];

/** A problem answer: its status, type and the pointers of its field errors. */
function expectProblem(response: TestResponse, status: number, type: string, pointers: string[] = []) {
  expect({ status: response.status, contentType: response.headers['content-type'] }).toEqual({ status, contentType: 'application/problem+json; charset=utf-8' });
  expect(response.json.type).toBe(`/problems/${type}`);
  for (const pointer of pointers) expect(response.json.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
}

describe('the governance API over HTTP', () => {
  let nix: TestApp;
  /** Keys the working group issues in the onboarding test, used by the later ones. */
  const keys: Record<string, string> = {};
  let consumerKeyId = '';
  const CONSUMER = 'test-pension-fund';
  const request = {
    registry: 'identity',
    service: 'person',
    dataItems: ['firstName', 'alive'],
    purposes: ['pension-eligibility'],
    dailyQuota: 100,
    justification: 'Pensions stop when a pensioner dies.',
  };

  beforeAll(async () => {
    nix = await startTestApp();
  });
  afterAll(async () => {
    await nix?.close();
  });

  describe('callers', () => {
    it('answers 401 without a key, and with an unknown one, on every kind of endpoint', async () => {
      for (const [method, path] of [
        ['GET', '/v1/agreements'],
        ['POST', '/v1/agencies'],
        ['GET', '/v1/access-requests'],
        ['GET', '/v1/audit'],
      ]) {
        const response = await nix.call(method, path, { body: method === 'POST' ? {} : undefined });
        expectProblem(response, 401, 'unauthenticated');
        expect(response.headers['www-authenticate']).toBe('Bearer realm="nix"');
      }
      expectProblem(await nix.call('GET', '/v1/agreements', { headers: bearer('nix_not-a-key') }), 401, 'unauthenticated');
    });
  });

  describe('onboarding: agencies and keys', () => {
    it('starts from contracts/, imported into the empty store at start', async () => {
      expect(await nix.app.get(GovernanceRepository, { strict: false }).bootstrap(nix.app.get<symbol, ContractSet>(CONTRACTS, { strict: false }))).toBe(false);
      const agreements = await nix.call('GET', '/v1/agreements', { headers: WG });
      expect(agreements.status).toBe(200);
      expect(agreements.json.agreements.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(['ssa-identity-person-1405']));
    });

    it('registers an agency (working group only), refusing a taken id and a malformed body, naming the fields', async () => {
      const agency = { id: CONSUMER, name: { fa: 'صندوق بازنشستگی آزمایشی', en: 'Test pension fund' }, roles: ['consumer'] };
      const created = await nix.call('POST', '/v1/agencies', { headers: WG, body: agency });
      expect(created.status).toBe(201);
      expect(created.json).toEqual(agency);
      expect(created.headers['cache-control']).toBe('no-store');

      expectProblem(await nix.call('POST', '/v1/agencies', { headers: WG, body: agency }), 400, 'invalid-request', ['/id']);
      expectProblem(await nix.call('POST', '/v1/agencies', { headers: DEMO, body: { ...agency, id: 'another-agency' } }), 403, 'not-permitted');
      const bad = await nix.call('POST', '/v1/agencies', { headers: WG, body: { id: 'Bad Id', name: { fa: 'x' }, roles: ['emperor'], colour: 'red' } });
      expectProblem(bad, 400, 'invalid-request', ['/id', '/name/en', '/roles/0', '/colour']);
      expectProblem(await nix.call('POST', '/v1/agencies', { headers: { ...WG, 'content-type': 'application/json' }, raw: '{"id":' }), 400, 'malformed-json');
    });

    it('issues a key shown only once, which then identifies its agency, and lists keys without the key or its hash', async () => {
      const issued = await nix.call('POST', `/v1/agencies/${CONSUMER}/keys`, { headers: WG, body: { expires: '2099-12-31' } });
      expect(issued.status).toBe(201);
      expect(issued.json).toEqual({ keyId: expect.stringMatching(/^k-/), key: expect.stringMatching(/^nix_[A-Za-z0-9_-]{43}$/), certificate: null });
      expect(issued.headers['cache-control']).toBe('no-store');
      keys[CONSUMER] = issued.json.key;
      consumerKeyId = issued.json.keyId;

      // The new key authenticates as the new agency: it sees its own (no) agreements, not the demo ones.
      const own = await nix.call('GET', '/v1/agreements', { headers: bearer(keys[CONSUMER]) });
      expect(own.status).toBe(200);
      expect(own.json).toEqual({ agreements: [] });

      // The key was used today (noted off the inquiry's path, so waited for); a key never used has no day.
      const spare = await nix.call('POST', `/v1/agencies/${CONSUMER}/keys`, { headers: WG, body: {} });
      expect(spare.status).toBe(201);
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tehran' }).format(new Date());
      const listKeys = () => nix.call('GET', `/v1/agencies/${CONSUMER}/keys`, { headers: bearer(keys[CONSUMER]) });
      const listed = await eventually(listKeys, (r) => r.json?.keys?.find((k: { keyId: string }) => k.keyId === consumerKeyId)?.lastUsedDay === today, 10_000);
      expect(listed.status).toBe(200);
      expect(listed.json.keys).toEqual(
        expect.arrayContaining([
          { keyId: consumerKeyId, createdAt: expect.any(String), expires: '2099-12-31', lastUsedDay: today, revokedAt: null, certificate: null },
          { keyId: spare.json.keyId, createdAt: expect.any(String), expires: null, lastUsedDay: null, revokedAt: null, certificate: null },
        ]),
      );
      expect(listed.json.keys).toHaveLength(2);
      await nix.call('DELETE', `/v1/agencies/${CONSUMER}/keys/${spare.json.keyId}`, { headers: WG });
      expect(Date.parse(listed.json.keys[0].createdAt)).toBeGreaterThan(Date.now() - 10 * 60_000);
      expect(listed.text).not.toContain(keys[CONSUMER]);
      expect(listed.text).not.toMatch(/sha256|[0-9a-f]{64}/);
      // Nothing the broker logged holds the key.
      expect(nix.logLines.join('\n')).not.toContain(keys[CONSUMER]);
    });

    it('issues keys to the custodians, and lets an agency manage its own keys but not another’s', async () => {
      for (const custodian of ['civil-registration', 'iran-post']) {
        const issued = await nix.call('POST', `/v1/agencies/${custodian}/keys`, { headers: WG, body: {} });
        expect(issued.status).toBe(201);
        keys[custodian] = issued.json.key;
      }
      const own = await nix.call('POST', `/v1/agencies/${CONSUMER}/keys`, { headers: bearer(keys[CONSUMER]), body: { networks: ['10.0.0.0/8'] } });
      expect(own.status).toBe(201);
      expectProblem(await nix.call('GET', '/v1/agencies/civil-registration/keys', { headers: bearer(keys[CONSUMER]) }), 403, 'not-permitted');
      expectProblem(await nix.call('POST', '/v1/agencies/civil-registration/keys', { headers: bearer(keys[CONSUMER]), body: {} }), 403, 'not-permitted');
    });

    it('refuses bad key limits naming the field, and an unknown agency with 404', async () => {
      expectProblem(await nix.call('POST', `/v1/agencies/${CONSUMER}/keys`, { headers: WG, body: { networks: ['10.0.0.0/99'] } }), 400, 'invalid-request', ['/networks/0']);
      expectProblem(await nix.call('POST', `/v1/agencies/${CONSUMER}/keys`, { headers: WG, body: { expires: '31/12/2099' } }), 400, 'invalid-request', ['/expires']);
      expectProblem(await nix.call('POST', `/v1/agencies/${CONSUMER}/keys`, { headers: WG, body: { expires: '2020-01-01' } }), 400, 'invalid-request', ['/expires']);
      expectProblem(await nix.call('POST', '/v1/agencies/no-such-agency/keys', { headers: WG, body: {} }), 404, 'governance-not-found');
      expectProblem(await nix.call('GET', '/v1/agencies/no-such-agency/keys', { headers: WG }), 404, 'governance-not-found');
    });

    it('accepts a key bound to networks only from them', async () => {
      const bound = await nix.call('POST', `/v1/agencies/${CONSUMER}/keys`, { headers: WG, body: { networks: ['192.0.2.0/24'] } });
      expectProblem(await nix.call('GET', '/v1/agreements', { headers: bearer(bound.json.key) }), 403, 'network-not-allowed');
    });
  });

  describe('an access request from filing to agreement', () => {
    let requestId = '';
    let agreementId = '';

    it('refuses a request whose items, purposes, registry, service or fields are wrong, naming each', async () => {
      const as = bearer(keys[CONSUMER]);
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ ...request, dataItems: ['firstName', 'shoeSize'] }, '/dataItems/1'],
        [{ ...request, purposes: ['Pension Eligibility'] }, '/purposes/0'],
        [{ ...request, registry: 'weather' }, '/registry'],
        [{ ...request, service: 'horoscope' }, '/service'],
        [{ ...request, dailyQuota: 0 }, '/dailyQuota'],
        [{ ...request, major: 0 }, '/major'],
        [{ ...request, major: 1.5 }, '/major'],
        [{ ...request, major: '1' }, '/major'],
        // A major with no published version.
        [{ ...request, major: 7 }, '/major'],
        [{ ...request, colour: 'red' }, '/colour'],
        [{ ...request, justification: undefined }, '/justification'],
        [{ ...request, justification: '   ' }, '/justification'],
        [{ ...request, validFrom: '2027-02-01', validUntil: '2027-01-01' }, '/validUntil'],
      ];
      for (const [body, pointer] of cases) expectProblem(await nix.call('POST', '/v1/access-requests', { headers: as, body }), 400, 'invalid-request', [pointer]);
      expect((await nix.call('GET', '/v1/access-requests', { headers: as })).json.accessRequests).toEqual([]);
    });

    it('files a request (201, pending-custodian) that the consumer, the custodian and the working group see, and no other agency', async () => {
      const filed = await nix.call('POST', '/v1/access-requests', { headers: bearer(keys[CONSUMER]), body: request });
      expect(filed.status).toBe(201);
      expect(filed.json).toMatchObject({ id: expect.any(String), status: 'pending-custodian', consumer: CONSUMER, custodian: 'civil-registration', ...request });
      requestId = filed.json.id;
      expect(filed.headers.location).toBe(`/v1/access-requests/${requestId}`);

      for (const key of [keys[CONSUMER], keys['civil-registration'], 'demo-wg-key']) {
        const list = await nix.call('GET', '/v1/access-requests', { headers: bearer(key) });
        expect(list.json.accessRequests.map((r: { id: string }) => r.id)).toContain(requestId);
        expect((await nix.call('GET', `/v1/access-requests/${requestId}`, { headers: bearer(key) })).json.status).toBe('pending-custodian');
      }
      expect((await nix.call('GET', '/v1/access-requests', { headers: DEMO })).json.accessRequests).toEqual([]);
      expectProblem(await nix.call('GET', `/v1/access-requests/${requestId}`, { headers: DEMO }), 403, 'not-permitted');
      expectProblem(await nix.call('GET', `/v1/access-requests/${requestId}`, { headers: bearer(keys['iran-post']) }), 403, 'not-permitted');
      expectProblem(await nix.call('GET', '/v1/access-requests/ar-no-such-request', { headers: WG }), 404, 'governance-not-found');
    });

    it('lets only the custodian of that registry consent, and only once; the working group decides only after it', async () => {
      expectProblem(await nix.call('POST', `/v1/access-requests/${requestId}/consent`, { headers: bearer(keys['iran-post']), body: { note: 'yes' } }), 403, 'not-permitted');
      expectProblem(await nix.call('POST', `/v1/access-requests/${requestId}/consent`, { headers: bearer(keys[CONSUMER]), body: {} }), 403, 'not-permitted');
      const early = await nix.call('POST', `/v1/access-requests/${requestId}/decision`, { headers: WG, body: { decision: 'approved', resolution: 'WG-1405-01' } });
      expectProblem(early, 409, 'illegal-transition');
      expect(early.json.currentState).toBe('pending-custodian');

      const consented = await nix.call('POST', `/v1/access-requests/${requestId}/consent`, { headers: bearer(keys['civil-registration']), body: { note: 'Items are minimal.' } });
      expect(consented.status).toBe(200);
      expect(consented.json.status).toBe('pending-working-group');

      const again = await nix.call('POST', `/v1/access-requests/${requestId}/refusal`, { headers: bearer(keys['civil-registration']), body: {} });
      expectProblem(again, 409, 'illegal-transition');
      expect(again.json.currentState).toBe('pending-working-group');
      expectProblem(await nix.call('POST', `/v1/access-requests/${requestId}/decision`, { headers: WG, body: { decision: 'maybe', resolution: '' } }), 400, 'invalid-request', [
        '/decision',
        '/resolution',
      ]);
      expectProblem(await nix.call('POST', `/v1/access-requests/${requestId}/decision`, { headers: bearer(keys['civil-registration']), body: { decision: 'approved', resolution: 'x' } }), 403, 'not-permitted');
    });

    it('lets exactly one of several concurrent decisions win; the others get 409 with the state it left', async () => {
      const contenders = await Promise.all(
        [1, 2, 3, 4, 5].map((n) => nix.call('POST', `/v1/access-requests/${requestId}/decision`, { headers: WG, body: { decision: 'approved', resolution: `WG-1405-0${n}` } })),
      );
      const winners = contenders.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      for (const loser of contenders.filter((r) => r.status !== 200)) {
        expectProblem(loser, 409, 'illegal-transition');
        expect(loser.json.currentState).toBe('approved');
      }
      expect(winners[0].json).toMatchObject({ id: requestId, status: 'approved', agreementId: expect.any(String), resolution: expect.stringMatching(/^WG-1405-0\d$/) });
      agreementId = winners[0].json.agreementId;

      // The consumer's agreements show it, with exactly the fields and the winning resolution.
      const own = await nix.call('GET', '/v1/agreements', { headers: bearer(keys[CONSUMER]) });
      expect(own.json.agreements).toHaveLength(1);
      const [agreement] = own.json.agreements;
      expect(Object.keys(agreement)).toEqual(AGREEMENT_FIELDS);
      expect(agreement).toMatchObject({
        id: agreementId,
        consumer: CONSUMER,
        registry: 'identity',
        service: 'person',
        major: 1,
        dataItems: ['firstName', 'alive'],
        purposes: ['pension-eligibility'],
        dailyQuota: 100,
        resolution: winners[0].json.resolution,
        status: 'active',
      });
      // The working group sees every agreement, the demo ones too; the demo consumer only its own.
      const all = (await nix.call('GET', '/v1/agreements', { headers: WG })).json.agreements.map((a: { consumer: string }) => a.consumer);
      expect(new Set(all)).toEqual(new Set([CONSUMER, 'demo-agency', 'social-security', 'tax-organization']));
      const demo = (await nix.call('GET', '/v1/agreements', { headers: DEMO })).json.agreements.map((a: { consumer: string }) => a.consumer);
      expect(new Set(demo)).toEqual(new Set(['demo-agency']));
    });

    it('amends, suspends, reinstates and revokes the agreement (working group only); illegal steps get 409 with the state', async () => {
      const path = `/v1/agreements/${agreementId}`;
      const amended = await nix.call('PATCH', path, { headers: WG, body: { dailyQuota: 50, dataItems: ['firstName', 'alive', 'deathDate'], resolution: 'WG-1405-10' } });
      expect(amended.status).toBe(200);
      expect(amended.json).toMatchObject({ dailyQuota: 50, dataItems: ['firstName', 'alive', 'deathDate'], resolution: 'WG-1405-10', status: 'active' });
      expectProblem(await nix.call('PATCH', path, { headers: WG, body: { dataItems: ['shoeSize'], resolution: 'x' } }), 400, 'invalid-request', ['/dataItems/0']);
      expectProblem(await nix.call('PATCH', path, { headers: WG, body: { validUntil: '2000-01-01', resolution: 'x' } }), 400, 'invalid-request', ['/validUntil']);
      expectProblem(await nix.call('PATCH', path, { headers: WG, body: { resolution: 'nothing to change' } }), 400, 'invalid-request');
      expectProblem(await nix.call('PATCH', path, { headers: WG, body: { dailyQuota: 5 } }), 400, 'invalid-request', ['/resolution']);
      expectProblem(await nix.call('PATCH', path, { headers: bearer(keys[CONSUMER]), body: { dailyQuota: 5000, resolution: 'self-service' } }), 403, 'not-permitted');
      expectProblem(await nix.call('PATCH', '/v1/agreements/ag-no-such', { headers: WG, body: { dailyQuota: 5, resolution: 'x' } }), 404, 'governance-not-found');

      const suspended = await nix.call('POST', `${path}/suspension`, { headers: WG, body: { resolution: 'WG-1405-11' } });
      expect(suspended.json).toMatchObject({ status: 'suspended', resolution: 'WG-1405-11' });
      const twice = await nix.call('POST', `${path}/suspension`, { headers: WG, body: { resolution: 'WG-1405-12' } });
      expectProblem(twice, 409, 'illegal-transition');
      expect(twice.json.currentState).toBe('suspended');
      expect((await nix.call('POST', `${path}/reinstatement`, { headers: WG, body: { resolution: 'WG-1405-13' } })).json.status).toBe('active');
      expectProblem(await nix.call('POST', `${path}/revocation`, { headers: bearer(keys['civil-registration']), body: { resolution: 'mine' } }), 403, 'not-permitted');
      const revoked = await nix.call('POST', `${path}/revocation`, { headers: WG, body: { resolution: 'WG-1405-14' } });
      expect(revoked.status).toBe(200);
      expect(revoked.json.status).toBe('revoked');
      const late = await nix.call('PATCH', path, { headers: WG, body: { dailyQuota: 10, resolution: 'WG-1405-15' } });
      expectProblem(late, 409, 'illegal-transition');
      expect(late.json.currentState).toBe('revoked');
      expectProblem(await nix.call('POST', `${path}/suspension`, { headers: WG, body: {} }), 400, 'invalid-request', ['/resolution']);
    });

    it('creates an agreement directly for a decision taken outside NIX (working group only)', async () => {
      const direct = {
        consumer: CONSUMER,
        registry: 'address',
        service: 'postal-code',
        dataItems: ['province'],
        purposes: ['pension-eligibility'],
        dailyQuota: 20,
        validFrom: '2026-01-01',
        validUntil: '2026-12-31',
        resolution: 'WG-1404-77 (paper minutes)',
      };
      const created = await nix.call('POST', '/v1/agreements', { headers: WG, body: direct });
      expect(created.status).toBe(201);
      expect(Object.keys(created.json)).toEqual(AGREEMENT_FIELDS);
      expect(created.json).toMatchObject({ ...direct, status: 'active' });
      expect((await nix.call('GET', '/v1/agreements', { headers: bearer(keys[CONSUMER]) })).json.agreements.map((a: { id: string }) => a.id)).toContain(created.json.id);

      expectProblem(await nix.call('POST', '/v1/agreements', { headers: WG, body: { ...direct, id: created.json.id } }), 400, 'invalid-request', ['/id']);
      expectProblem(await nix.call('POST', '/v1/agreements', { headers: WG, body: { ...direct, consumer: 'nobody-here' } }), 400, 'invalid-request', ['/consumer']);
      expectProblem(await nix.call('POST', '/v1/agreements', { headers: WG, body: { ...direct, validUntil: '2025-01-01' } }), 400, 'invalid-request', ['/validUntil']);
      expectProblem(await nix.call('POST', '/v1/agreements', { headers: WG, body: { ...direct, resolution: undefined } }), 400, 'invalid-request', ['/resolution']);
      expectProblem(await nix.call('POST', '/v1/agreements', { headers: bearer(keys[CONSUMER]), body: direct }), 403, 'not-permitted');
    });

    it('refuses a request at the custodian; the working group can no longer decide it', async () => {
      const filed = await nix.call('POST', '/v1/access-requests', { headers: bearer(keys[CONSUMER]), body: { ...request, dataItems: ['lastName'] } });
      const refused = await nix.call('POST', `/v1/access-requests/${filed.json.id}/refusal`, { headers: bearer(keys['civil-registration']), body: { note: 'Not needed for pensions.' } });
      expect(refused.json.status).toBe('refused');
      const decision = await nix.call('POST', `/v1/access-requests/${filed.json.id}/decision`, { headers: WG, body: { decision: 'rejected', resolution: 'WG-1405-20' } });
      expectProblem(decision, 409, 'illegal-transition');
      expect(decision.json.currentState).toBe('refused');
    });
  });

  describe('service requests (R7) and disputes (R6)', () => {
    it('takes a service request from any agency; the working group accepts it for a custodian or rejects it with a reason', async () => {
      const submitted = await nix.call('POST', '/v1/service-requests', { headers: bearer(keys[CONSUMER]), body: { description: 'Pension entitlements by national ID.' } });
      expect(submitted.status).toBe(201);
      expect(submitted.json).toMatchObject({ requester: CONSUMER, status: 'submitted' });
      const id = submitted.json.id;
      expectProblem(await nix.call('POST', `/v1/service-requests/${id}/triage`, { headers: bearer(keys[CONSUMER]), body: { outcome: 'accepted', custodian: 'civil-registration' } }), 403, 'not-permitted');
      expectProblem(await nix.call('POST', `/v1/service-requests/${id}/triage`, { headers: WG, body: { outcome: 'accepted' } }), 400, 'invalid-request', ['/custodian']);
      expectProblem(await nix.call('POST', `/v1/service-requests/${id}/triage`, { headers: WG, body: { outcome: 'accepted', custodian: CONSUMER } }), 400, 'invalid-request', ['/custodian']);
      const accepted = await nix.call('POST', `/v1/service-requests/${id}/triage`, { headers: WG, body: { outcome: 'accepted', custodian: 'civil-registration' } });
      expect(accepted.json).toMatchObject({ status: 'accepted', assignedCustodian: 'civil-registration' });
      const again = await nix.call('POST', `/v1/service-requests/${id}/triage`, { headers: WG, body: { outcome: 'rejected', reason: 'Too late' } });
      expectProblem(again, 409, 'illegal-transition');
      expect(again.json.currentState).toBe('accepted');

      const other = await nix.call('POST', '/v1/service-requests', { headers: DEMO, body: { description: 'Weather by postcode.' } });
      expectProblem(await nix.call('POST', `/v1/service-requests/${other.json.id}/triage`, { headers: WG, body: { outcome: 'rejected' } }), 400, 'invalid-request', ['/reason']);
      const rejected = await nix.call('POST', `/v1/service-requests/${other.json.id}/triage`, { headers: WG, body: { outcome: 'rejected', reason: 'Not a base registry.' } });
      expect(rejected.json).toMatchObject({ status: 'rejected', reason: 'Not a base registry.' });

      expect((await nix.call('GET', '/v1/service-requests', { headers: bearer(keys[CONSUMER]) })).json.serviceRequests.map((r: { id: string }) => r.id)).toEqual([id]);
      expect((await nix.call('GET', '/v1/service-requests', { headers: WG })).json.serviceRequests).toHaveLength(2);
      // The custodian it was assigned to sees it too.
      expect((await nix.call('GET', '/v1/service-requests', { headers: bearer(keys['civil-registration']) })).json.serviceRequests.map((r: { id: string }) => r.id)).toEqual([id]);
      expectProblem(await nix.call('POST', '/v1/service-requests/sr-nope/triage', { headers: WG, body: { outcome: 'rejected', reason: 'x' } }), 404, 'governance-not-found');
      expectProblem(await nix.call('POST', '/v1/service-requests', { headers: DEMO, body: { description: '' } }), 400, 'invalid-request', ['/description']);
    });

    it('opens a dispute about an agreement; the working group settles it once with a binding resolution', async () => {
      const [agreement] = (await nix.call('GET', '/v1/agreements', { headers: bearer(keys[CONSUMER]) })).json.agreements;
      const opened = await nix.call('POST', '/v1/disputes', { headers: bearer(keys[CONSUMER]), body: { subject: { kind: 'agreement', id: agreement.id }, statement: 'The revocation was unfair.' } });
      expect(opened.status).toBe(201);
      expect(opened.json).toMatchObject({ raisedBy: CONSUMER, status: 'open', subject: { kind: 'agreement', id: agreement.id } });
      expectProblem(await nix.call('POST', '/v1/disputes', { headers: DEMO, body: { subject: { kind: 'agreement', id: 'ag-nope' }, statement: 'x' } }), 404, 'governance-not-found');
      // Only a party disputes: the demo consumer is none to this agreement, nor to the consumer's requests.
      expectProblem(await nix.call('POST', '/v1/disputes', { headers: DEMO, body: { subject: { kind: 'agreement', id: agreement.id }, statement: 'x' } }), 403, 'not-permitted');
      const [filed] = (await nix.call('GET', '/v1/access-requests', { headers: bearer(keys[CONSUMER]) })).json.accessRequests;
      expectProblem(await nix.call('POST', '/v1/disputes', { headers: DEMO, body: { subject: { kind: 'access-request', id: filed.id }, statement: 'x' } }), 403, 'not-permitted');
      expectProblem(await nix.call('POST', '/v1/disputes', { headers: DEMO, body: { subject: { kind: 'treaty', id: 'x' }, statement: 'x' } }), 400, 'invalid-request', ['/subject/kind']);
      expectProblem(await nix.call('POST', `/v1/disputes/${opened.json.id}/resolution`, { headers: bearer(keys[CONSUMER]), body: { resolution: 'I win' } }), 403, 'not-permitted');
      const resolved = await nix.call('POST', `/v1/disputes/${opened.json.id}/resolution`, { headers: WG, body: { resolution: 'WG-1405-30: the revocation stands.' } });
      expect(resolved.json).toMatchObject({ status: 'resolved', resolution: 'WG-1405-30: the revocation stands.' });
      const again = await nix.call('POST', `/v1/disputes/${opened.json.id}/resolution`, { headers: WG, body: { resolution: 'WG-1405-31' } });
      expectProblem(again, 409, 'illegal-transition');
      expect(again.json.currentState).toBe('resolved');
      expect((await nix.call('GET', '/v1/disputes', { headers: DEMO })).json.disputes).toEqual([]);
      expect((await nix.call('GET', '/v1/disputes', { headers: WG })).json.disputes.map((d: { id: string }) => d.id)).toEqual([opened.json.id]);
    });
  });

  describe('key revocation', () => {
    it('revokes a key with 204; it no longer authenticates, and a second revocation is 409', async () => {
      const revoked = await nix.call('DELETE', `/v1/agencies/${CONSUMER}/keys/${consumerKeyId}`, { headers: WG });
      expect(revoked.status).toBe(204);
      expect(revoked.text).toBe('');
      expectProblem(await nix.call('GET', '/v1/agreements', { headers: bearer(keys[CONSUMER]) }), 401, 'unauthenticated');
      const again = await nix.call('DELETE', `/v1/agencies/${CONSUMER}/keys/${consumerKeyId}`, { headers: WG });
      expectProblem(again, 409, 'illegal-transition');
      expect(again.json.currentState).toBe('revoked');
      expectProblem(await nix.call('DELETE', `/v1/agencies/${CONSUMER}/keys/k-nope`, { headers: WG }), 404, 'governance-not-found');
      const listed = await nix.call('GET', `/v1/agencies/${CONSUMER}/keys`, { headers: WG });
      expect(listed.json.keys.find((k: { keyId: string }) => k.keyId === consumerKeyId).revokedAt).toEqual(expect.any(String));
    });
  });

  describe('the audit log', () => {
    it('is for the working group only', async () => {
      expectProblem(await nix.call('GET', '/v1/audit', { headers: DEMO }), 403, 'not-permitted');
      expectProblem(await nix.call('GET', '/v1/audit', { headers: bearer(keys['civil-registration']) }), 403, 'not-permitted');
    });

    it('shows every step with actor, time, action, subject, and the value before and after; never a key', async () => {
      const log = await nix.call('GET', '/v1/audit?limit=10000', { headers: WG });
      expect(log.status).toBe(200);
      const entries: Array<{ seq: number; actor: string; at: string; action: string; subject: string; before: any; after: any }> = log.json.entries;
      const actions = entries.filter((e) => e.actor !== 'contracts-import').map((e) => e.action);
      for (const action of [
        'agency.register',
        'api-key.issue',
        'access-request.file',
        'access-request.consent',
        'access-request.refuse',
        'access-request.decide',
        'agreement.create',
        'agreement.amend',
        'agreement.suspend',
        'agreement.reinstate',
        'agreement.revoke',
        'service-request.submit',
        'service-request.accept',
        'service-request.reject',
        'dispute.open',
        'dispute.resolve',
        'api-key.revoke',
      ]) {
        expect(actions).toContain(action);
      }
      // Exactly one decision went in, though five were fired.
      expect(actions.filter((a) => a === 'access-request.decide')).toHaveLength(1);
      const consent = entries.find((e) => e.action === 'access-request.consent')!;
      expect(consent).toMatchObject({ actor: 'civil-registration', subject: expect.stringMatching(/^access-request:/), before: { status: 'pending-custodian' }, after: { status: 'pending-working-group' } });
      expect(Date.parse(consent.at)).toBeGreaterThan(Date.now() - 10 * 60_000);
      const suspension = entries.find((e) => e.action === 'agreement.suspend')!;
      expect(suspension).toMatchObject({ actor: 'demo-working-group', before: { status: 'active' }, after: { status: 'suspended', resolution: 'WG-1405-11' } });
      const registered = entries.find((e) => e.action === 'agency.register')!;
      expect(registered).toMatchObject({ actor: 'demo-working-group', subject: `agency:${CONSUMER}`, before: null, after: { id: CONSUMER } });
      expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => a - b));
      for (const key of Object.values(keys)) expect(log.text).not.toContain(key);
    });

    it('filters by subject and actor, and pages', async () => {
      const [agreement] = (await nix.call('GET', `/v1/agreements`, { headers: WG })).json.agreements.filter((a: { consumer: string; registry: string }) => a.consumer === CONSUMER && a.registry === 'identity');
      const history = await nix.call('GET', `/v1/audit?subject=agreement:${agreement.id}`, { headers: WG });
      expect(history.json.entries.map((e: { action: string }) => e.action)).toEqual(['agreement.create', 'agreement.amend', 'agreement.suspend', 'agreement.reinstate', 'agreement.revoke']);
      const byCustodian = await nix.call('GET', '/v1/audit?actor=civil-registration', { headers: WG });
      expect(new Set(byCustodian.json.entries.map((e: { actor: string }) => e.actor))).toEqual(new Set(['civil-registration']));

      const first = await nix.call('GET', '/v1/audit?limit=2', { headers: WG });
      expect(first.json.entries).toHaveLength(2);
      expect(first.json.next).toBe(first.json.entries[1].seq);
      expect(first.headers.link).toBe(`</v1/audit?limit=2&format=json&after=${first.json.next}>; rel="next"`);
      const second = await nix.call('GET', `/v1/audit?limit=2&after=${first.json.next}`, { headers: WG });
      expect(second.json.entries[0].seq).toBeGreaterThan(first.json.next);
      const last = await nix.call('GET', `/v1/audit?after=${history.json.entries.at(-1).seq + 1_000_000}`, { headers: WG });
      expect(last.json).toEqual({ entries: [], next: null });

      expectProblem(await nix.call('GET', '/v1/audit?limit=0', { headers: WG }), 400, 'invalid-request', ['query:limit']);
      expectProblem(await nix.call('GET', '/v1/audit?after=minus', { headers: WG }), 400, 'invalid-request', ['query:after']);
      expectProblem(await nix.call('GET', '/v1/audit?colour=red', { headers: WG }), 400, 'invalid-request', ['query:colour']);
      expectProblem(await nix.call('GET', '/v1/audit?subject=%00', { headers: WG }), 400, 'invalid-request', ['query:subject']);
    });

    it('exports as CSV (Accept: text/csv or ?format=csv) that parses back to the same entries', async () => {
      const json = (await nix.call('GET', '/v1/audit?limit=10000', { headers: WG })).json.entries;
      for (const csv of [
        await nix.call('GET', '/v1/audit?limit=10000', { headers: { ...WG, accept: 'text/csv' } }),
        await nix.call('GET', '/v1/audit?limit=10000&format=csv', { headers: WG }),
      ]) {
        expect(csv.status).toBe(200);
        expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
        const [header, ...rows] = parseCsv(csv.text.replace(/^\uFEFF/, ''));
        expect(header).toEqual(['seq', 'at', 'actor', 'action', 'subject', 'before', 'after']);
        expect(rows).toHaveLength(json.length);
        const parsed = rows.map(([seq, at, actor, action, subject, before, after]) => ({ seq: Number(seq), at, actor, action, subject, before: JSON.parse(before), after: JSON.parse(after) }));
        expect(parsed).toEqual(json);
      }
      // Quoting holds for commas, quotes and line breaks in what was written.
      const tricky = 'He said "no", then\nleft.';
      await nix.call('POST', '/v1/service-requests', { headers: DEMO, body: { description: tricky } });
      const csv = await nix.call('GET', '/v1/audit?actor=demo-agency&format=csv', { headers: WG });
      const rows = parseCsv(csv.text.replace(/^\uFEFF/, '')).slice(1);
      expect(JSON.parse(rows.at(-1)![6]).description).toBe(tricky);
    });
  });

  describe('hostile input', () => {
    it('answers odd ids in the path with 404, never a 5xx', async () => {
      for (const id of ['%00', '__proto__', 'constructor', 'x'.repeat(100), encodeURIComponent('ثبت'), "ar-1'; DROP TABLE governance_audit; --"]) {
        const path = `/v1/access-requests/${id.startsWith('%') || id.includes('%') ? id : encodeURIComponent(id)}`;
        expectProblem(await nix.call('GET', path, { headers: WG }), 404, 'governance-not-found');
        expectProblem(await nix.call('POST', `${path}/consent`, { headers: WG, body: {} }), 404, 'governance-not-found');
        expectProblem(await nix.call('DELETE', `/v1/agencies/${CONSUMER}/keys/${path.slice('/v1/access-requests/'.length)}`, { headers: WG }), 404, 'governance-not-found');
      }
      // A segment longer than the router matches is the edge's 414.
      expectProblem(await nix.call('GET', `/v1/access-requests/${'x'.repeat(101)}`, { headers: WG }), 414, 'uri-too-long');
    });

    it('answers hostile bodies with 400 naming the field, never a 5xx', async () => {
      const cases: Array<[string, string, unknown, string]> = [
        ['POST', '/v1/service-requests', { description: 'nul \u0000 inside' }, '/description'],
        ['POST', '/v1/service-requests', { description: 'x'.repeat(5000) }, '/description'],
        ['POST', '/v1/service-requests', { description: 42 }, '/description'],
        ['POST', '/v1/disputes', { subject: { kind: 'agreement', id: 'a\u0000b' }, statement: 'x' }, '/subject/id'],
        ['POST', '/v1/access-requests/x/decision', { decision: 'approved', resolution: 'r\u0000' }, '/resolution'],
        ['POST', '/v1/agencies', { id: 'ok-agency', name: { fa: 'x', en: 'y\u0000' }, roles: ['consumer'] }, '/name/en'],
      ];
      for (const [method, path, body, pointer] of cases) {
        const response = await nix.call(method, path, { headers: WG, body });
        expect({ pointer, status: response.status }).toEqual({ pointer, status: 400 });
        expectProblem(response, 400, 'invalid-request', [pointer]);
      }
      // A __proto__ key is refused by the JSON parser itself.
      const proto = await nix.call('POST', '/v1/service-requests', { headers: { ...WG, 'content-type': 'application/json' }, raw: '{"description":"x","__proto__":{"admin":true}}' });
      expectProblem(proto, 400, 'malformed-json');
      const deep = await nix.call('POST', '/v1/service-requests', { headers: WG, raw: '['.repeat(5000) + ']'.repeat(5000), body: undefined });
      expect(deep.status).toBeGreaterThanOrEqual(400);
      expect(deep.status).toBeLessThan(500);
    });
  });

  describe('problem types and documentation', () => {
    it('serves the governance problem types', async () => {
      for (const type of ['not-permitted', 'governance-not-found', 'illegal-transition']) {
        const page = await nix.call('GET', `/problems/${type}`);
        expect(page.status).toBe(200);
        expect(page.json.type).toBe(`/problems/${type}`);
      }
      expect((await nix.call('GET', '/problems/illegal-transition')).json.status).toBe(409);
    });

    it('documents every governance endpoint in the OpenAPI document, with request schemas and problem answers, and each is served', async () => {
      const document = (await nix.call('GET', '/docs/openapi.json')).json;
      const operations = Object.entries(document.paths as Record<string, Record<string, any>>)
        .filter(([, methods]) => Object.values(methods).some((o) => o.tags?.includes('governance')))
        .flatMap(([path, methods]) => Object.entries(methods).map(([method, o]) => ({ path, method, o })));
      expect(operations.map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort()).toEqual(
        [
          'GET /v1/agreements',
          'POST /v1/agreements',
          'PATCH /v1/agreements/{id}',
          'POST /v1/agreements/{id}/suspension',
          'POST /v1/agreements/{id}/reinstatement',
          'POST /v1/agreements/{id}/revocation',
          'POST /v1/agencies',
          'GET /v1/agencies/me',
          'POST /v1/agencies/{id}/keys',
          'GET /v1/agencies/{id}/keys',
          'PUT /v1/agencies/{id}/certificates',
          'GET /v1/agencies/{id}/certificates',
          'DELETE /v1/agencies/{id}/keys/{keyId}',
          'POST /v1/access-requests',
          'GET /v1/access-requests',
          'GET /v1/access-requests/{id}',
          'POST /v1/access-requests/{id}/consent',
          'POST /v1/access-requests/{id}/refusal',
          'POST /v1/access-requests/{id}/decision',
          'POST /v1/service-requests',
          'GET /v1/service-requests',
          'POST /v1/service-requests/{id}/triage',
          'POST /v1/disputes',
          'GET /v1/disputes',
          'POST /v1/disputes/{id}/resolution',
          'GET /v1/audit',
        ].sort(),
      );
      for (const { path, method, o } of operations) {
        expect(o.responses['401']).toEqual({ $ref: '#/components/responses/Problem' });
        if (method === 'post' || method === 'patch') expect(o.requestBody.content['application/json'].schema).toMatchObject({ type: 'object', additionalProperties: false });
        // Served: without a key every documented operation answers 401, not 404.
        const served = await nix.call(method.toUpperCase(), path.replace(/\{[^}]+\}/g, 'x'), { body: o.requestBody ? {} : undefined });
        expect({ path, method, status: served.status }).toEqual({ path, method, status: 401 });
      }
      expect(document.paths['/v1/access-requests'].post.requestBody.content['application/json'].schema.required).toEqual(
        expect.arrayContaining(['registry', 'service', 'dataItems', 'purposes', 'dailyQuota', 'justification']),
      );
    });
  });
});

describe('the governance API while its store cannot be reached', () => {
  let nix: TestApp;
  beforeAll(async () => {
    // Nothing listens on a port just freed: the store never opens, and the broker serves on regardless.
    nix = await startTestApp({ DATABASE_URL: `postgres://nix@127.0.0.1:${await freePort()}/nix` });
  });
  afterAll(async () => {
    await nix?.close();
  });

  it('answers 503 with Retry-After, not a 500, for reads and writes', async () => {
    for (const [method, path, body] of [
      ['GET', '/v1/agreements', undefined],
      ['GET', '/v1/audit', undefined],
      ['POST', '/v1/agencies', { id: 'late-agency', name: { fa: 'x', en: 'y' }, roles: ['consumer'] }],
    ] as const) {
      const response = await nix.call(method, path, { headers: WG, body });
      expectProblem(response, 503, 'governance-unavailable');
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
  });
});
