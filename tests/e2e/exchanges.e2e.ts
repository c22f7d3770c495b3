import { createHash } from 'node:crypto';
import { startFakeRegistries } from '../support/sample-registry';
import { DEMO_HEADERS, startTestApp, type TestApp } from '../support/test-app';

const WG = { authorization: 'Bearer demo-wg-key' };
const PERSON = { nationalId: '0067749828', birthDate: '1988-03-21' };
const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url');
/** An exchange ID of a UUIDv7 made now, that no exchange has. */
function uuidV7Now(): string {
  const hex = Date.now().toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8)}-7000-8000-${'0'.repeat(11)}1`;
}

/** Tracking end to end (R9): the registry's API receives the exchange, and its parties can follow it afterwards. */
describe('tracking an exchange end to end', () => {
  let nix: TestApp;
  let registries: Awaited<ReturnType<typeof startFakeRegistries>>;
  /** Keys issued at run time: the identity registry's custodian, and a consumer that is no party to the demo's exchanges. */
  let custodian: Record<string, string>;
  let stranger: Record<string, string>;

  beforeAll(async () => {
    registries = await startFakeRegistries();
    nix = await startTestApp(registries.env);
    const issue = async (agency: string) => {
      const issued = await nix.call('POST', `/v1/agencies/${agency}/keys`, { headers: WG, body: {} });
      expect(issued.status).toBe(201);
      return { authorization: `Bearer ${issued.json.key}` };
    };
    custodian = await issue('civil-registration');
    stranger = await issue('tax-organization');
  });
  afterAll(async () => {
    await nix?.close();
    await registries?.close();
  });

  /** An identity inquiry with a tracking code, stored in the ledger before it is looked up. */
  async function trackedInquiry(trackingCode: string) {
    registries.server.exchanges.length = 0;
    const response = await nix.inquire('identity', 'person', PERSON, { ...DEMO_HEADERS, 'x-tracking-code': trackingCode });
    expect(response.status).toBe(200);
    await nix.flushLedger();
    return response;
  }

  it("sends the registry's API the exchange ID and the consumer's tracking code as headers", async () => {
    const response = await trackedInquiry('CASE-1402-0001');
    expect(registries.server.exchanges).toEqual([{ collection: 'persons', exchangeId: response.headers['x-exchange-id'], trackingCode: 'CASE-1402-0001' }]);
    registries.server.exchanges.length = 0;
    const untracked = await nix.inquire('identity', 'person', PERSON);
    expect(registries.server.exchanges).toEqual([{ collection: 'persons', exchangeId: untracked.headers['x-exchange-id'], trackingCode: undefined }]);
  });

  it('shows the consumer its exchange: steps in order with timestamps, outcome, service, agreement and the receipt digest', async () => {
    const response = await trackedInquiry('CASE-1402-0002');
    const exchangeId = response.headers['x-exchange-id'];
    const shown = await nix.call('GET', `/v1/exchanges/${exchangeId}`, { headers: DEMO_HEADERS });
    expect(shown.status).toBe(200);
    expect(shown.headers['cache-control']).toBe('no-store');
    expect(shown.json).toMatchObject({
      exchangeId,
      consumer: 'demo-agency',
      custodian: 'civil-registration',
      registry: 'identity',
      service: 'person',
      serviceVersion: response.headers['x-service-version'] ?? expect.any(String),
      purpose: 'demo',
      agreement: expect.any(String),
      outcome: 'ok',
      status: 200,
      problemType: null,
      receiptDigest: sha256(response.headers['nix-receipt']),
    });
    const steps = shown.json.steps as { step: string; at: string }[];
    expect(steps.map((s) => s.step)).toEqual(['received', 'dispatched', 'adapter-received', 'adapter-replied', 'responded']);
    const at = steps.map((s) => Date.parse(s.at));
    expect(at.every(Number.isFinite)).toBe(true);
    expect(at[0]).toBeLessThanOrEqual(at[1]);
    expect(at[1]).toBeLessThanOrEqual(at[4]);
    expect(shown.json.durations.totalMs).toBeGreaterThanOrEqual(0);
    // Metadata only (R3): nothing of the request or the answer.
    expect(shown.text).not.toContain(PERSON.nationalId);
    expect(shown.text).not.toContain('CASE-1402-0002');
  });

  it("shows a refused exchange's problem type, and no dispatch step", async () => {
    const refused = await nix.inquire('identity', 'person', PERSON, { ...DEMO_HEADERS, 'x-purpose': 'marketing', 'x-tracking-code': 'CASE-REFUSED' });
    expect(refused.status).toBe(403);
    await nix.flushLedger();
    const shown = await nix.call('GET', `/v1/exchanges/${refused.headers['x-exchange-id']}`, { headers: DEMO_HEADERS });
    expect(shown.status).toBe(200);
    expect(shown.json).toMatchObject({ outcome: 'denied', status: 403, problemType: refused.json.type.replace('/problems/', '') });
    expect(shown.json.steps.map((s: { step: string }) => s.step)).toEqual(['received', 'responded']);
  });

  it("shows the exchange to the registry's custodian and the working group, and answers another agency 404 as for an unknown one", async () => {
    const exchangeId = (await trackedInquiry('CASE-1402-0003')).headers['x-exchange-id'];
    expect((await nix.call('GET', `/v1/exchanges/${exchangeId}`, { headers: custodian })).json.exchangeId).toBe(exchangeId);
    expect((await nix.call('GET', `/v1/exchanges/${exchangeId}`, { headers: WG })).json.exchangeId).toBe(exchangeId);
    const other = await nix.call('GET', `/v1/exchanges/${exchangeId}`, { headers: stranger });
    // An unknown ID of the same age: the answer may depend on the ID the caller gave, never on what the ledger holds.
    const unknownId = uuidV7Now();
    const unknown = await nix.call('GET', `/v1/exchanges/${unknownId}`, { headers: stranger });
    expect(other.status).toBe(404);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(other.json.type).toBe('/problems/exchange-not-found');
    expect(unknown.status).toBe(404);
    expect(unknown.json.type).toBe(other.json.type);
    expect({ ...other.json, detail: other.json.detail.replace(exchangeId, 'ID') }).toEqual({ ...unknown.json, detail: unknown.json.detail.replace(unknownId, 'ID') });
  });

  it('answers a malformed exchange ID 400 naming it, and a caller without a key 401', async () => {
    const malformed = await nix.call('GET', '/v1/exchanges/not-an-id', { headers: DEMO_HEADERS });
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors).toEqual([{ pointer: 'path:exchangeId', detail: 'is not a UUID' }]);
    expect((await nix.call('GET', '/v1/exchanges/00000000-0000-4000-8000-000000000000')).status).toBe(401);
  });

  it('says that a record of the last minute may not be stored yet, with Retry-After', async () => {
    const response = await nix.call('GET', `/v1/exchanges/${uuidV7Now()}`, { headers: DEMO_HEADERS });
    expect(response.status).toBe(404);
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.json.detail).toMatch(/may not be stored yet/);
    const old = await nix.call('GET', '/v1/exchanges/0190f1d2-0000-7000-8000-000000000001', { headers: DEMO_HEADERS });
    expect(old.status).toBe(404);
    expect(old.headers['retry-after']).toBeUndefined();
    expect(old.json.detail).not.toMatch(/may not be stored yet/);
  });

  it('finds the exchanges of a tracking code by the digest the ledger stores, for the parties only', async () => {
    const first = (await trackedInquiry('CASE-1402-0004')).headers['x-exchange-id'];
    const second = (await trackedInquiry('CASE-1402-0004')).headers['x-exchange-id'];
    const found = await nix.call('GET', '/v1/exchanges?trackingCode=CASE-1402-0004', { headers: DEMO_HEADERS });
    expect(found.status).toBe(200);
    expect(found.json.trackingCode).toBe('CASE-1402-0004');
    expect(found.json.exchanges.map((e: { exchangeId: string }) => e.exchangeId)).toEqual([second, first]);
    expect((await nix.call('GET', '/v1/exchanges?trackingCode=CASE-1402-0004', { headers: custodian })).json.exchanges).toHaveLength(2);
    expect((await nix.call('GET', '/v1/exchanges?trackingCode=CASE-1402-0004', { headers: WG })).json.exchanges).toHaveLength(2);
    expect((await nix.call('GET', '/v1/exchanges?trackingCode=CASE-1402-0004', { headers: stranger })).json.exchanges).toEqual([]);
    expect((await nix.call('GET', '/v1/exchanges?trackingCode=NO-SUCH-CASE', { headers: DEMO_HEADERS })).json.exchanges).toEqual([]);
  });

  it('names the tracking code when it is missing or malformed', async () => {
    const missing = await nix.call('GET', '/v1/exchanges', { headers: DEMO_HEADERS });
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual([{ pointer: 'query:trackingCode', detail: 'is required' }]);
    const malformed = await nix.call('GET', `/v1/exchanges?trackingCode=${encodeURIComponent('has space')}`, { headers: DEMO_HEADERS });
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors).toEqual([{ pointer: 'query:trackingCode', detail: 'is not 1 to 64 visible ASCII characters' }]);
  });

  it('documents both routes in the OpenAPI document, and the registry headers with X-Tracking-Code', async () => {
    const document = (await nix.call('GET', '/docs/openapi.json')).json;
    expect(document.paths['/v1/exchanges/{exchangeId}'].get.responses[404]).toBeDefined();
    expect(document.paths['/v1/exchanges'].get.parameters).toEqual([expect.objectContaining({ name: 'trackingCode', in: 'query', required: true })]);
    const inquiry = document.paths['/v1/inquiries/identity/person'].post;
    expect(inquiry.parameters.find((p: { name: string }) => p.name === 'X-Tracking-Code').description).toMatch(/X-NIX-Tracking-Code.*X-NIX-Exchange-Id/);
  });
});
