/**
 * A hostile client against the embedded default, over real HTTP (raw sockets
 * where undici will not send the bytes): malformed and odd bodies, content
 * types, sizes, methods, paths, headers and report parameters. Every answer is
 * a success or application/problem+json below 500; every request under
 * /v1/inquiries/ that Node's parser accepts is an exchange with exactly one
 * traffic record; the server stays up; no identifier sent reaches the logs.
 */
import { TrafficRepository } from '@nix/ledger';
import { httpRequest, rawRequest, type RawResponse } from '../support/raw-http';
import { DEMO_HEADERS, startTestApp, type TestApp } from '../support/test-app';

jest.setTimeout(120_000);

const PERSON_PATH = '/v1/inquiries/identity/person';
const JSON_INQUIRY = { ...DEMO_HEADERS, 'content-type': 'application/json' };
const RAW_JSON_INQUIRY = { Authorization: DEMO_HEADERS.authorization, 'X-Purpose': DEMO_HEADERS['x-purpose'], 'Content-Type': 'application/json' };
const WG = { authorization: 'Bearer demo-wg-key' };

/** Identifiers sent below; none may appear in a log line. */
const NATIONAL_ID = '0067749828';
const PERSIAN_NATIONAL_ID = '۰۰۶۷۷۴۹۸۲۸';
const ARABIC_INDIC_NATIONAL_ID = '٠٠٦٧٧٤٩٨٢٨';
const COMPANY_ID = '10100841331';
const POSTAL_CODE = '1193653471';
const SENT_IDENTIFIERS = [NATIONAL_ID, PERSIAN_NATIONAL_ID, ARABIC_INDIC_NATIONAL_ID, COMPANY_ID, POSTAL_CODE];

type Answer = Pick<RawResponse, 'status' | 'headers' | 'text' | 'json'>;

interface HostileCase {
  name: string;
  /** A request under /v1/inquiries/ that Node's HTTP parser accepts: it must be an exchange. */
  exchange: boolean;
  send(nix: TestApp): Promise<Answer | null>;
}

const post = (body: string, headers: Record<string, string> = JSON_INQUIRY, path = PERSON_PATH) => (nix: TestApp) =>
  nix.call('POST', path, { headers, raw: body });
const raw = (bytes: Buffer | string) => (nix: TestApp) => rawRequest(nix.url, bytes);
const inquiryCase = (name: string, send: HostileCase['send']): HostileCase => ({ name, exchange: true, send });
const otherCase = (name: string, send: HostileCase['send']): HostileCase => ({ name, exchange: false, send });
const person = (nationalId: unknown, birthDate: unknown = '1988-03-21') => JSON.stringify({ nationalId, birthDate });
const chunked = (body: string, chunkSize: number) => {
  let out = '';
  for (let at = 0; at < body.length; at += chunkSize) {
    const chunk = body.slice(at, at + chunkSize);
    out += `${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n`;
  }
  return out + '0\r\n\r\n';
};

const CASES: HostileCase[] = [
  // ---------------------------------------------------------------- malformed JSON
  ...['{', '{"nationalId":', '{"nationalId":"0067749828",}', "{'nationalId':'x'}", 'null', 'NaN', '[]', '"text"', '12', 'true', '{"a":1}{"b":2}', '\u0000', '\ufeff{}', '{"nationalId":"\\x41"}'].map((body) =>
    inquiryCase(`malformed or non-object JSON ${JSON.stringify(body).slice(0, 30)}`, post(body)),
  ),
  inquiryCase('an empty body', post('')),
  inquiryCase('invalid UTF-8 bytes', raw(httpRequest('POST', PERSON_PATH, RAW_JSON_INQUIRY, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])))),
  // ---------------------------------------------------------------- wrong types
  ...[12, 67749828, null, true, [NATIONAL_ID], { value: NATIONAL_ID }, 1e308].map((value) => inquiryCase(`nationalId as ${JSON.stringify(value)}`, post(person(value)))),
  inquiryCase('birthDate as a number', post(person(NATIONAL_ID, 19880321))),
  inquiryCase('birthDate 1988-02-30', post(person(NATIONAL_ID, '1988-02-30'))),
  inquiryCase('an extra field', post(JSON.stringify({ nationalId: NATIONAL_ID, birthDate: '1988-03-21', extra: 1 }))),
  inquiryCase('a company ID with a wrong check digit', post(JSON.stringify({ nationalId: '10100841332' }), JSON_INQUIRY, '/v1/inquiries/legal-entity/company')),
  inquiryCase('a company ID as a float', post(JSON.stringify({ nationalId: Number(COMPANY_ID) + 0.5 }), JSON_INQUIRY, '/v1/inquiries/legal-entity/company')),
  // ---------------------------------------------------------------- sizes and nesting
  inquiryCase('a 60 KB string', post(person('9'.repeat(60_000)))),
  inquiryCase('a 60 KB key', post(JSON.stringify({ ['k'.repeat(60_000)]: 1 }))),
  inquiryCase('10,000 nested arrays', post(`${'['.repeat(10_000)}${']'.repeat(10_000)}`)),
  inquiryCase('10,000 nested arrays in a field', post(`{"nationalId":${'['.repeat(10_000)}${']'.repeat(10_000)},"birthDate":"1988-03-21"}`)),
  inquiryCase('5,000 nested objects', post(`${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`)),
  inquiryCase('an unterminated 30,000-deep array', post('['.repeat(30_000))),
  inquiryCase('a 100 KB body (over the 64 KiB limit)', post(person('1'.repeat(100_000)))),
  inquiryCase('a 100 KB chunked body', raw(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, 'Transfer-Encoding': 'chunked' }, chunked(person('1'.repeat(100_000)), 8192)))),
  inquiryCase('a small chunked body, in 1-byte chunks', raw(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, 'Transfer-Encoding': 'chunked' }, chunked(person(NATIONAL_ID), 1)))),
  // The request that once stalled the ledger for good: a size from the header overflowed its column.
  inquiryCase('a Content-Length of 3,000,000,000 with no body', raw(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, 'Content-Length': '3000000000' }, ''))),
  inquiryCase('a Content-Length of 0 with JSON content type', raw(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, 'Content-Length': '0' }, ''))),
  inquiryCase('10,000 fields', post(JSON.stringify(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`f${i}`, 1]))))),
  // ---------------------------------------------------------------- prototype keys
  inquiryCase('a __proto__ key', post(`{"nationalId":"${NATIONAL_ID}","birthDate":"1988-03-21","__proto__":{"isAdmin":true}}`)),
  inquiryCase('a constructor.prototype key', post(`{"nationalId":"${NATIONAL_ID}","birthDate":"1988-03-21","constructor":{"prototype":{"isAdmin":true}}}`)),
  inquiryCase('a nested __proto__', post(`{"nationalId":{"__proto__":{"length":1}},"birthDate":"1988-03-21"}`)),
  // ---------------------------------------------------------------- odd Unicode
  inquiryCase('Persian digits in a national ID', post(person(PERSIAN_NATIONAL_ID))),
  inquiryCase('Arabic-Indic digits in a national ID', post(person(ARABIC_INDIC_NATIONAL_ID))),
  inquiryCase('a right-to-left mark in a national ID', post(person(`\u200f${NATIONAL_ID}`))),
  inquiryCase('bidi overrides in a national ID', post(person(`\u202e${NATIONAL_ID}\u202c`))),
  inquiryCase('a zero-width joiner in a national ID', post(person(`00677\u200d49828`))),
  inquiryCase('a lone surrogate', post(`{"nationalId":"\\ud800","birthDate":"1988-03-21"}`)),
  inquiryCase('a lone surrogate in a key', post(`{"\\udfff":1}`)),
  inquiryCase('NUL in a national ID', post(`{"nationalId":"006774\\u00009828","birthDate":"1988-03-21"}`)),
  inquiryCase('full-width digits', post(person('００６７７４９８２８'))),
  // ---------------------------------------------------------------- content types
  inquiryCase('application/json; charset=latin1', post(person(NATIONAL_ID), { ...DEMO_HEADERS, 'content-type': 'application/json; charset=latin1' })),
  inquiryCase('application/json; charset=utf-16', post(person(NATIONAL_ID), { ...DEMO_HEADERS, 'content-type': 'application/json; charset=utf-16' })),
  inquiryCase('text/plain', post(person(NATIONAL_ID), { ...DEMO_HEADERS, 'content-type': 'text/plain' })),
  inquiryCase('a form', post(`nationalId=${NATIONAL_ID}&birthDate=1988-03-21`, { ...DEMO_HEADERS, 'content-type': 'application/x-www-form-urlencoded' })),
  inquiryCase('multipart', post(`--b\r\nContent-Disposition: form-data; name="nationalId"\r\n\r\n${NATIONAL_ID}\r\n--b--\r\n`, { ...DEMO_HEADERS, 'content-type': 'multipart/form-data; boundary=b' })),
  inquiryCase('no content type', raw(httpRequest('POST', PERSON_PATH, { Authorization: DEMO_HEADERS.authorization, 'X-Purpose': 'demo' }, person(NATIONAL_ID)))),
  inquiryCase('an empty content type', raw(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, 'Content-Type': '' }, person(NATIONAL_ID)))),
  inquiryCase('a garbage content type', post(person(NATIONAL_ID), { ...DEMO_HEADERS, 'content-type': ';;;/=' })),
  inquiryCase('application/json-patch+json', post(person(NATIONAL_ID), { ...DEMO_HEADERS, 'content-type': 'application/json-patch+json' })),
  inquiryCase('two content types', raw(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, 'content-type': 'text/plain' }, person(NATIONAL_ID)))),
  inquiryCase('Content-Encoding: gzip on plain JSON', post(person(NATIONAL_ID), { ...JSON_INQUIRY, 'content-encoding': 'gzip' })),
  // ---------------------------------------------------------------- methods
  ...['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'TRACE'].map((method) =>
    inquiryCase(`${method} on an inquiry`, raw(httpRequest(method, PERSON_PATH, RAW_JSON_INQUIRY, method === 'GET' || method === 'HEAD' ? undefined : person(NATIONAL_ID)))),
  ),
  otherCase('a made-up method', raw(httpRequest('FOO', PERSON_PATH, RAW_JSON_INQUIRY, person(NATIONAL_ID)))),
  otherCase('a lower-case method', raw(httpRequest('post', PERSON_PATH, RAW_JSON_INQUIRY, person(NATIONAL_ID)))),
  otherCase('CONNECT', raw(httpRequest('CONNECT', 'localhost:443'))),
  // ---------------------------------------------------------------- paths
  inquiryCase('an unknown registry', post(person(NATIONAL_ID), JSON_INQUIRY, '/v1/inquiries/cadastre/parcel')),
  inquiryCase('an unknown service', post(person(NATIONAL_ID), JSON_INQUIRY, '/v1/inquiries/identity/nothing')),
  inquiryCase('too many segments', post(person(NATIONAL_ID), JSON_INQUIRY, '/v1/inquiries/identity/person/extra')),
  inquiryCase('one segment', post(person(NATIONAL_ID), JSON_INQUIRY, '/v1/inquiries/identity')),
  inquiryCase('no segment', post(person(NATIONAL_ID), JSON_INQUIRY, '/v1/inquiries/')),
  inquiryCase('a trailing slash', post(person(NATIONAL_ID), JSON_INQUIRY, `${PERSON_PATH}/`)),
  inquiryCase('a query string', post(person(NATIONAL_ID), JSON_INQUIRY, `${PERSON_PATH}?nationalId=${NATIONAL_ID}&__proto__=1`)),
  inquiryCase('a percent-escaped path', raw(httpRequest('POST', '/v1/%69nquiries/identity/person', RAW_JSON_INQUIRY, person(NATIONAL_ID)))),
  inquiryCase('an absolute-form request line', raw(httpRequest('POST', `http://localhost${PERSON_PATH}`, RAW_JSON_INQUIRY, person(NATIONAL_ID)))),
  // Refused before the handler runs: only the route the router matched makes these exchanges.
  inquiryCase('a percent-escaped path with text/plain', raw(httpRequest('POST', '/v1/%69nquiries/identity/person', { ...RAW_JSON_INQUIRY, 'Content-Type': 'text/plain' }, person(NATIONAL_ID)))),
  inquiryCase('an absolute-form request line with a 100 KB body', raw(httpRequest('POST', `http://localhost${PERSON_PATH}`, RAW_JSON_INQUIRY, person('1'.repeat(100_000))))),
  inquiryCase('an absolute-form request line with malformed JSON', raw(httpRequest('POST', `http://localhost${PERSON_PATH}`, RAW_JSON_INQUIRY, '{"nationalId":'))),
  inquiryCase('a bad percent-escape', raw(httpRequest('POST', '/v1/inquiries/%zz/person', RAW_JSON_INQUIRY, person(NATIONAL_ID)))),
  inquiryCase('an escaped slash', raw(httpRequest('POST', '/v1/inquiries/identity%2Fperson/x', RAW_JSON_INQUIRY, person(NATIONAL_ID)))),
  inquiryCase('an escaped NUL', raw(httpRequest('POST', '/v1/inquiries/identity/person%00', RAW_JSON_INQUIRY, person(NATIONAL_ID)))),
  inquiryCase('a dot segment', raw(httpRequest('POST', '/v1/inquiries/../inquiries/identity/person', RAW_JSON_INQUIRY, person(NATIONAL_ID)))),
  inquiryCase('a 200-character segment', raw(httpRequest('POST', `/v1/inquiries/${'r'.repeat(200)}/person`, RAW_JSON_INQUIRY, person(NATIONAL_ID)))),
  inquiryCase('a 10 KB query string', raw(httpRequest('POST', `${PERSON_PATH}?q=${'q'.repeat(10_000)}`, RAW_JSON_INQUIRY, person(NATIONAL_ID)))),
  inquiryCase('Persian in the path', raw(httpRequest('POST', `/v1/inquiries/${encodeURIComponent('ثبت')}/person`, RAW_JSON_INQUIRY, person(NATIONAL_ID)))),
  otherCase('a 20 KB request line', raw(httpRequest('POST', `${PERSON_PATH}?q=${'q'.repeat(20_000)}`, RAW_JSON_INQUIRY, person(NATIONAL_ID)))),
  otherCase('an asterisk target', raw(httpRequest('OPTIONS', '*'))),
  otherCase('upper-case path', post(person(NATIONAL_ID), JSON_INQUIRY, '/V1/INQUIRIES/identity/person')),
  otherCase('a double slash', raw(httpRequest('POST', '//v1/inquiries/identity/person', RAW_JSON_INQUIRY, person(NATIONAL_ID)))),
  otherCase('a bad escape elsewhere', raw(httpRequest('GET', '/v1/services/%zz'))),
  otherCase('the problem type constructor', (nix) => nix.call('GET', '/problems/constructor')),
  otherCase('the problem type __proto__', (nix) => nix.call('GET', '/problems/__proto__')),
  otherCase('GET /metrics on the API port', (nix) => nix.call('GET', '/metrics')),
  // ---------------------------------------------------------------- headers
  otherCase('a header name with a space', raw(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, 'X Bad': '1' }, person(NATIONAL_ID)))),
  otherCase('NUL in a header value', raw(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, 'X-Tracking-Code': 'a\u0000b' }, person(NATIONAL_ID)))),
  otherCase('32 KB of headers', raw(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, 'X-Big': 'b'.repeat(32_000) }, person(NATIONAL_ID)))),
  otherCase('Content-Length and Transfer-Encoding together', raw(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, 'Content-Length': '5', 'Transfer-Encoding': 'chunked' }, chunked(person(NATIONAL_ID), 8)))),
  otherCase('a negative Content-Length', raw(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, 'Content-Length': '-1' }, ''))),
  otherCase('a bad chunk size', raw(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, 'Transfer-Encoding': 'chunked' }, 'zz\r\n{}\r\n0\r\n\r\n'))),
  inquiryCase('an identifier in X-Tracking-Code', post(person(NATIONAL_ID), { ...JSON_INQUIRY, 'x-tracking-code': NATIONAL_ID })),
  inquiryCase('a 1 KB tracking code', post(person(NATIONAL_ID), { ...JSON_INQUIRY, 'x-tracking-code': 't'.repeat(1024) })),
  inquiryCase('Persian in X-Purpose', post(person(NATIONAL_ID), { ...JSON_INQUIRY, 'x-purpose': encodeURIComponent('ممیزی') })),
  // Header values as raw UTF-8 bytes, which HTTP/1.1 reads as opaque octets.
  inquiryCase('raw UTF-8 in X-Purpose', raw(Buffer.from(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, 'X-Purpose': 'PURPOSE' }, person(NATIONAL_ID)).toString('latin1').replace('PURPOSE', 'ممیزی\u200f'), 'utf8'))),
  inquiryCase('a Persian national ID as raw UTF-8 in X-Tracking-Code', raw(Buffer.from(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, 'X-Tracking-Code': 'CODE' }, person(NATIONAL_ID)).toString('latin1').replace('CODE', PERSIAN_NATIONAL_ID), 'utf8'))),
  inquiryCase('a Basic authorization', post(person(NATIONAL_ID), { ...JSON_INQUIRY, authorization: 'Basic ZGVtbzpkZW1v' })),
  inquiryCase('a 4 KB bearer key', post(person(NATIONAL_ID), { ...JSON_INQUIRY, authorization: `Bearer ${'k'.repeat(4096)}` })),
  inquiryCase('two Authorization headers', raw(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, authorization: 'Bearer other' }, person(NATIONAL_ID)))),
  inquiryCase('a relay header', post(person(NATIONAL_ID), { ...JSON_INQUIRY, 'x-on-behalf-of': 'third-party' })),
  inquiryCase('a forged X-Forwarded-For', post(person(NATIONAL_ID), { ...JSON_INQUIRY, 'x-forwarded-for': '10.1.2.3, 1.1.1.1' })),
  inquiryCase('a Host with a port and path', raw(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, Host: 'evil.example:1/x' }, person(NATIONAL_ID)))),
  inquiryCase('Expect: 100-continue', raw(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, Expect: '100-continue' }, person(NATIONAL_ID)))),
  inquiryCase('Expect: something else', raw(httpRequest('POST', PERSON_PATH, { ...RAW_JSON_INQUIRY, Expect: 'teapot' }, person(NATIONAL_ID)))),
  inquiryCase('an HTTP/1.0 request', raw(httpRequest('POST', PERSON_PATH, RAW_JSON_INQUIRY, person(NATIONAL_ID)).toString('latin1').replace('HTTP/1.1', 'HTTP/1.0'))),
  inquiryCase('HTTP/2.0 in the request line', raw(httpRequest('POST', PERSON_PATH, RAW_JSON_INQUIRY, person(NATIONAL_ID)).toString('latin1').replace('HTTP/1.1', 'HTTP/2.0'))),
  otherCase('a bare LF request', raw(`POST ${PERSON_PATH} HTTP/1.1\nHost: x\nContent-Length: 2\n\n{}`)),
  // ---------------------------------------------------------------- report parameters
  ...[
    'from=2026-11-01T00:00%2B99:99&to=2026-11-02',
    'from=2026-11-02&to=2026-11-01',
    'from=0000-00-00&to=9999-99-99',
    'from=2026-11-01',
    'period=week',
    'period=day:2026-02-30',
    'period=jalali-quarter:1405-Q9',
    'period=day&period=month',
    'period[]=day',
    'period[a]=b',
    'groupBy=consumer&groupBy=consumer',
    'groupBy=password',
    'groupBy=__proto__',
    'groupBy=',
    'interval=minute',
    'format=xml',
    'format=json&format=csv',
    'format=csv',
    'limit=-1',
    'limit=1e309',
    'limit=99999999999999999999',
    'lang=xx',
    '__proto__=1',
    'constructor=1',
    'consumer=%00',
    `consumer=${'c'.repeat(5000)}`,
    'registry=identity&registry=identity',
    'outcome=ok,ok',
    'from=%F0%9F%98%80&to=x',
  ].map((query) => otherCase(`usage report ?${query.slice(0, 40)}`, (nix) => nix.call('GET', `/v1/reports/usage?${query}`, { headers: WG }))),
  otherCase('a report without a key', (nix) => nix.call('GET', '/v1/reports/usage')),
  otherCase("a consumer's report as a consumer", (nix) => nix.call('GET', '/v1/reports/usage?groupBy=consumer', { headers: { authorization: DEMO_HEADERS.authorization } })),
  otherCase('a service-level report with an unknown parameter', (nix) => nix.call('GET', '/v1/reports/service-levels?outcome=ok', { headers: WG })),
  otherCase('a compliance report with expiresWithinDays=-5', (nix) => nix.call('GET', '/v1/reports/compliance?expiresWithinDays=-5', { headers: WG })),
  otherCase('an agency report for a prototype name', (nix) => nix.call('GET', '/v1/reports/agencies/__proto__', { headers: WG })),
  otherCase('an agency report for an escaped NUL', (nix) => nix.call('GET', '/v1/reports/agencies/%00', { headers: WG })),
];

describe('hostile input', () => {
  let nix: TestApp;
  let recordsBefore: number;
  let exchangesSent = 0;

  beforeAll(async () => {
    nix = await startTestApp();
    await nix.flushLedger();
    recordsBefore = await nix.app.get(TrafficRepository).count();
  });
  afterAll(() => nix.close());

  it.each(CASES.map((c) => [c.name, c] as const))('%s: a success or problem+json below 500', async (_name, hostile) => {
    const answer = await hostile.send(nix);
    if (hostile.exchange) exchangesSent++;
    expect(answer).not.toBeNull();
    const { status, headers, json, text } = answer!;
    expect(status).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(500);
    if (status >= 400) {
      expect(headers['content-type']).toMatch(/^application\/problem\+json/);
      // HEAD has no body to carry the problem.
      if (text.length > 0) expect({ type: json?.type, status: json?.status }).toEqual({ type: expect.stringMatching(/^\/problems\/[a-z-]+$/), status });
    }
    // An exchange has its ID, on the answer and in the problem; anything else has none.
    expect({ exchange: Boolean(headers['x-exchange-id']) }).toEqual({ exchange: hostile.exchange });
    if (hostile.exchange && status >= 400 && text.length > 0) expect(json.exchangeId).toBe(headers['x-exchange-id']);
    expect(text.length).toBeLessThan(64 * 1024);
  });

  it('stays up: a normal inquiry still gets 200', async () => {
    const response = await nix.inquire('identity', 'person', { nationalId: NATIONAL_ID, birthDate: '1988-03-21' });
    exchangesSent++;
    expect(response.status).toBe(200);
    expect((await nix.call('GET', '/health/ready')).status).toBe(200);
  });

  it('holds exactly one traffic record per inquiry exchange sent', async () => {
    await nix.flushLedger();
    expect(exchangesSent).toBeGreaterThan(80);
    expect((await nix.app.get(TrafficRepository).count()) - recordsBefore).toBe(exchangesSent);
  });

  it('logs no identifier it was sent', () => {
    const logs = nix.logLines.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const identifier of SENT_IDENTIFIERS) expect(logs.includes(identifier) ? identifier : null).toBeNull();
  });
});
