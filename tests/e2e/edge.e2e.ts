/**
 * The HTTP edge keeps the API's promises before NIX's handlers run: every
 * request under /v1/inquiries/ is an exchange whatever URL form reached the
 * router, metrics are not on the API port, X-Forwarded-For is believed only
 * from listed proxies, and every error Fastify or Node answers is
 * application/problem+json.
 */
import { request } from 'undici';
import { TrafficRepository } from '@nix/ledger';
import { agencyYaml, contractsWith, personAgreementYaml, schemasWithTimeouts } from '../support/fixtures';
import { httpRequest, parseResponse, rawRequest, type RawResponse } from '../support/raw-http';
import { startFakeRegistries } from '../support/sample-registry';
import { DEMO_HEADERS, startTestApp, type TestApp } from '../support/test-app';
import { connect } from 'node:net';

const PERSON = JSON.stringify({ nationalId: '0067749828', birthDate: '1988-03-21' });
const JSON_INQUIRY = { ...DEMO_HEADERS, 'Content-Type': 'application/json' };

function expectProblem(response: RawResponse | { status: number; headers: Record<string, string>; json: any }, status: number, type: string): void {
  expect({ status: response.status, type: response.json?.type }).toEqual({ status, type: `/problems/${type}` });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.json.status).toBe(status);
}

async function recordsOf(nix: TestApp, ids: string[]): Promise<Array<{ id: string; outcome: string; http_status: number }>> {
  await nix.flushLedger();
  return nix.app
    .get(TrafficRepository)
    .sql.query(`SELECT exchange_id::text AS id, outcome, http_status FROM traffic_record WHERE exchange_id::text = ANY($1::text[])`, [ids]);
}

describe('the HTTP edge', () => {
  let nix: TestApp;

  beforeAll(async () => {
    nix = await startTestApp();
  });
  afterAll(() => nix.close());

  describe('every request that reaches the inquiry handler is an exchange', () => {
    it.each([
      ['a percent-escaped path', '/v1/%69nquiries/identity/person'],
      ['an absolute-form request line', 'http://localhost:3000/v1/inquiries/identity/person'],
      ['an absolute-form request line with escapes', 'http://broker.example/v1/inquiries/%69dentity/person'],
    ])('%s gets its answer, an exchange ID and exactly one record', async (_name, target) => {
      const ok = await rawRequest(nix.url, httpRequest('POST', target, JSON_INQUIRY, PERSON));
      expect(ok!.status).toBe(200);
      expect(ok!.json).toMatchObject({ firstName: 'زهرا' });
      const denied = await rawRequest(nix.url, httpRequest('POST', target, { 'Content-Type': 'application/json' }, PERSON));
      expectProblem(denied!, 401, 'unauthenticated');
      const ids = [ok!.headers['x-exchange-id'], denied!.headers['x-exchange-id']];
      expect(ids.every(Boolean)).toBe(true);
      expect(denied!.json.exchangeId).toBe(ids[1]);
      const records = await recordsOf(nix, ids);
      expect(records.map((r) => [r.id, r.outcome, r.http_status]).sort()).toEqual(
        [
          [ids[0], 'ok', 200],
          [ids[1], 'unauthenticated', 401],
        ].sort(),
      );
    });

    it('records an inquiry path the router cannot decode, or whose segment is too long', async () => {
      const badEscape = await rawRequest(nix.url, httpRequest('POST', '/v1/inquiries/%zz/person', JSON_INQUIRY, PERSON));
      expectProblem(badEscape!, 400, 'invalid-request');
      const longSegment = await rawRequest(nix.url, httpRequest('POST', `/v1/inquiries/${'x'.repeat(150)}/person`, JSON_INQUIRY, PERSON));
      expectProblem(longSegment!, 414, 'uri-too-long');
      const ids = [badEscape!.headers['x-exchange-id'], longSegment!.headers['x-exchange-id']];
      expect(ids.every(Boolean)).toBe(true);
      expect((await recordsOf(nix, ids)).map((r) => r.outcome)).toEqual(['invalid', 'invalid']);
    });
  });

  describe('metrics', () => {
    it('are not on the API port', async () => {
      const response = await nix.call('GET', '/metrics');
      expectProblem(response, 404, 'not-found');
      expect(response.text).not.toContain('nix_inquiries_total');
    });

    it('are on their own listener, on loopback', async () => {
      expect(new URL(nix.metricsUrl).hostname).toBe('127.0.0.1');
      expect(new URL(nix.metricsUrl).port).not.toBe(new URL(nix.url).port);
      expect(await nix.scrapeMetrics()).toMatch(/nix_inquiries_total\{consumer="demo-agency"/);
      const other = await request(`${nix.metricsUrl}/v1/services`);
      expect(other.statusCode).toBe(404);
      expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
      await other.body.text();
    });

    it('stop being served when the app closes', async () => {
      const other = await startTestApp();
      const url = `${other.metricsUrl}/metrics`;
      expect((await request(url).then((r) => r.body.text())).length).toBeGreaterThan(0);
      await other.close();
      await expect(request(url).then((r) => r.body.text())).rejects.toThrow();
    });
  });

  describe('Fastify and Node answer in problem+json too', () => {
    it.each([
      ['an unknown method', httpRequest('FOO', '/v1/services'), 400, 'invalid-request'],
      ['PROPFIND', httpRequest('PROPFIND', '/v1/services'), 404, 'not-found'],
      ['a header name with a space', httpRequest('GET', '/v1/services', { 'Bad Header': 'x' }), 400, 'invalid-request'],
      ['a header value with a control character', httpRequest('GET', '/v1/services', { 'X-Odd': 'a\u0001b' }), 400, 'invalid-request'],
      ['a bad percent-escape', httpRequest('GET', '/v1/services/%zz'), 400, 'invalid-request'],
      ['an over-long URL', httpRequest('GET', `/v1/services?x=${'a'.repeat(10_000)}`), 414, 'uri-too-long'],
      ['a URL longer than the header limit', httpRequest('GET', `/v1/services?x=${'a'.repeat(20_000)}`), 414, 'uri-too-long'],
      ['an over-long path segment', httpRequest('GET', `/problems/${'a'.repeat(200)}`), 414, 'uri-too-long'],
      ['huge headers', httpRequest('GET', '/v1/services', { 'X-Big': 'a'.repeat(20_000) }), 431, 'headers-too-large'],
      ['a bad Content-Length', httpRequest('POST', '/v1/inquiries/identity/person', { ...JSON_INQUIRY, 'Content-Length': 'abc' }, PERSON), 400, 'invalid-request'],
    ])('%s', async (_name, bytes, status, type) => {
      const response = await rawRequest(nix.url, bytes);
      expectProblem(response!, status, type);
    });

    it('refuses a form-encoded or multipart body with 415', async () => {
      for (const contentType of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const response = await nix.call('POST', '/v1/inquiries/identity/person', {
          headers: { ...DEMO_HEADERS, 'content-type': contentType },
          raw: contentType.startsWith('multipart') ? '--x\r\nContent-Disposition: form-data; name="nationalId"\r\n\r\n0067749828\r\n--x--\r\n' : 'nationalId=0067749828&birthDate=1988-03-21',
        });
        expectProblem(response, 415, 'unsupported-media-type');
        expect(response.headers['x-exchange-id']).toBeTruthy();
      }
    });

    it.each([['constructor'], ['__proto__'], ['toString'], ['hasOwnProperty'], ['valueOf']])('has no problem type named %s', async (name) => {
      const response = await nix.call('GET', `/problems/${name}`);
      expectProblem(response, 404, 'not-found');
    });

    it('still describes the real problem types', async () => {
      for (const type of ['uri-too-long', 'headers-too-large', 'shutting-down', 'request-timeout', 'invalid-request']) {
        const response = await nix.call('GET', `/problems/${type}`);
        expect(response.status).toBe(200);
        expect(response.json.type).toBe(`/problems/${type}`);
      }
    });

    it.each([
      ['from', 'from=2026-11-01T00:00%2B99:99&to=2026-11-02'],
      ['to', 'from=2026-11-01&to=2026-11-02T00:00-13:00'],
    ])('refuses an impossible UTC offset in %s with 400 invalid-period naming it', async (field, query) => {
      const response = await nix.call('GET', `/v1/reports/usage?${query}`, { headers: { authorization: 'Bearer demo-wg-key' } });
      expectProblem(response, 400, 'invalid-period');
      expect(response.json.errors).toEqual([{ pointer: `query:${field}`, detail: expect.stringContaining('impossible UTC offset') }]);
    });

    it('lists at most 20 field errors, and counts the rest', async () => {
      const body: Record<string, string> = {};
      for (let i = 0; body && JSON.stringify(body).length < 60_000; i++) body[`field${i}`] = 'x';
      const response = await nix.call('POST', '/v1/inquiries/identity/person', { headers: DEMO_HEADERS, body });
      expectProblem(response, 400, 'invalid-request');
      expect(response.json.errors).toHaveLength(20);
      expect(response.json.errorsOmitted).toBeGreaterThan(3000);
      expect(response.text.length).toBeLessThan(5000);
    });
  });

  it('answers a request that arrives while the app shuts down with 503 shutting-down, Retry-After and its exchange ID', async () => {
    const registries = await startFakeRegistries();
    const closing = await startTestApp({
      NIX_REGISTRY_ADDRESS_BACKEND: 'http',
      NIX_REGISTRY_ADDRESS_URL: registries.env.NIX_REGISTRY_ADDRESS_URL,
      NIX_SCHEMAS_DIR: schemasWithTimeouts({ 'address/postal-code': 5000 }),
    });
    try {
      registries.server.fault = { kind: 'stall', ms: 1000 };
      const { hostname, port } = new URL(closing.url);
      const socket = connect(Number(port), hostname);
      let data = Buffer.alloc(0);
      socket.on('data', (chunk) => (data = Buffer.concat([data, chunk])));
      const inquiry = (body: string) =>
        httpRequest('POST', '/v1/inquiries/address/postal-code', { ...JSON_INQUIRY }, body).toString('latin1').replace('Connection: close\r\n', '');
      // One connection: the first inquiry is in flight when the shutdown starts, the second arrives during it.
      socket.write(inquiry('{"postalCode":"1193653471"}'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const closed = closing.close();
      socket.write(inquiry('{"postalCode":"1193653471"}'));
      await closed;
      const first = parseResponse(data);
      const second = first && parseResponse(first.rest);
      socket.destroy();
      expect(first!.response.status).toBe(200);
      expectProblem(second!.response, 503, 'shutting-down');
      expect(second!.response.headers['retry-after']).toBe('1');
      expect(second!.response.headers.connection).toBe('close');
      expect(second!.response.headers['x-exchange-id']).toBeTruthy();
      expect(second!.response.json.exchangeId).toBe(second!.response.headers['x-exchange-id']);
    } finally {
      registries.server.fault = { kind: 'none' };
      await registries.close();
    }
  });
});

describe('NIX_TRUST_PROXY', () => {
  const contracts = () =>
    contractsWith({
      'agencies/test-netlock.yaml': agencyYaml('test-netlock', 'netlock-key-0123456789', '    networks: [10.0.0.0/8]\n'),
      'agreements/test-netlock.yaml': personAgreementYaml('test-netlock', 'netlock-person', { dataItems: ['firstName'], dailyQuota: 1000 }),
    });
  const netlocked = { authorization: 'Bearer netlock-key-0123456789', 'x-purpose': 'tax-audit', 'x-forwarded-for': '10.1.2.3' };
  const person = { nationalId: '0067749828', birthDate: '1988-03-21' };

  it.each([
    ['unset', {}, 403],
    ['false', { NIX_TRUST_PROXY: 'false' }, 403],
    ['another proxy', { NIX_TRUST_PROXY: '192.0.2.10,198.51.100.0/24' }, 403],
    ['the proxy the call comes through', { NIX_TRUST_PROXY: '127.0.0.1' }, 200],
    ['a CIDR holding it', { NIX_TRUST_PROXY: '127.0.0.0/8' }, 200],
  ])('believes X-Forwarded-For for a network-bound key only from a listed proxy (%s)', async (_name, env, status) => {
    const nix = await startTestApp({ NIX_CONTRACTS_DIR: contracts(), ...env });
    try {
      const response = await nix.inquire('identity', 'person', person, netlocked);
      expect(response.status).toBe(status);
      if (status === 403) expect(response.json.type).toBe('/problems/network-not-allowed');
      // Without the header, the caller is who it is, whatever the setting: 127.0.0.1 is outside 10.0.0.0/8.
      const direct = await nix.inquire('identity', 'person', person, { authorization: netlocked.authorization, 'x-purpose': 'tax-audit' });
      expect(direct.status).toBe(403);
    } finally {
      await nix.close();
    }
  });

  it('stops a process that would trust every hop in production', async () => {
    await expect(startTestApp({ NODE_ENV: 'production', NIX_TRACKING_KEY: 'a-production-tracking-key-0123', NIX_TRUST_PROXY: 'true' })).rejects.toThrow(
      /NIX_TRUST_PROXY.*refused in production/,
    );
  });
});
