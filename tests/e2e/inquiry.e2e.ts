import Ajv2020 from 'ajv/dist/2020';
import { createSchemaCompiler } from '@nix/catalog';
import { MemoryTrafficLedger } from '@nix/ledger/testing';
import { DEMO_HEADERS, startTestApp, type TestApp } from '../support/test-app';

describe('the inquiry path on the embedded default', () => {
  let nix: TestApp;
  const ledger = new MemoryTrafficLedger();

  beforeAll(async () => {
    nix = await startTestApp({}, { sink: ledger });
  });
  afterAll(() => nix.close());

  it('answers every catalogued example with 200, and each answer matches its response schema', async () => {
    const catalog = await nix.call('GET', '/v1/services');
    expect(catalog.status).toBe(200);
    const ajv: Ajv2020 = createSchemaCompiler();
    let examples = 0;
    for (const entry of catalog.json.services) {
      const validate = ajv.compile(entry.responseSchema);
      for (const example of entry.examples) {
        const response = await nix.inquire(entry.registry, entry.service, example);
        expect({ service: `${entry.registry}/${entry.service}`, example, status: response.status }).toEqual({
          service: `${entry.registry}/${entry.service}`,
          example,
          status: 200,
        });
        expect(validate(response.json)).toBe(true);
        expect(Object.keys(response.json).length).toBeGreaterThan(0);
        examples++;
      }
    }
    expect(examples).toBeGreaterThanOrEqual(11);
  });

  it('answers 401 problem+json without a key, and with a wrong one', async () => {
    const body = { nationalId: '0067749828', birthDate: '1988-03-21' };
    const attempts: Record<string, string>[] = [{ 'x-purpose': 'demo' }, { authorization: 'Bearer not-a-key', 'x-purpose': 'demo' }];
    for (const headers of attempts) {
      const response = await nix.inquire('identity', 'person', body, headers);
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(response.json).toMatchObject({ type: '/problems/unauthenticated', status: 401 });
      expect(response.json.exchangeId).toBe(response.headers['x-exchange-id']);
    }
  });

  it('names /nationalId when the national ID has a wrong check digit', async () => {
    const response = await nix.inquire('identity', 'person', { nationalId: '0067749829', birthDate: '1988-03-21' });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json.errors).toEqual([{ pointer: '/nationalId', detail: 'has a wrong check digit' }]);
  });

  it('names every field at fault, by JSON pointer', async () => {
    const response = await nix.inquire('identity', 'person', { nationalId: '123', birthDate: 'yesterday', extra: 1 });
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual(
      expect.arrayContaining([
        { pointer: '/nationalId', detail: 'must be exactly 10 digits (0-9)' },
        { pointer: '/birthDate', detail: expect.stringContaining('date') },
        { pointer: '/extra', detail: 'is not a field of this inquiry' },
      ]),
    );
  });

  it('asks for exactly one of plate and VIN', async () => {
    const both = await nix.inquire('vehicle', 'vehicle', { plate: '12ب345-67', vin: 'NAAM11CA3EK123456' });
    expect(both.status).toBe(400);
    expect(both.json.errors).toEqual([{ pointer: '', detail: 'must give exactly one of: plate, vin' }]);
    const badPlate = await nix.inquire('vehicle', 'vehicle', { plate: '12X345-67' });
    expect(badPlate.json.errors[0].pointer).toBe('/plate');
  });

  it('answers 404 when the registry holds no such record', async () => {
    const response = await nix.inquire('legal-entity', 'company', { nationalId: '10100841346' });
    expect(response.status).toBe(404);
    expect(response.json.type).toBe('/problems/record-not-found');
  });

  it('does not confirm a national ID whose birth date does not match', async () => {
    const response = await nix.inquire('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-22' });
    expect(response.status).toBe(404);
  });

  it('answers 404 for a service that is not catalogued', async () => {
    const response = await nix.inquire('identity', 'passport', {});
    expect(response.status).toBe(404);
    expect(response.json.type).toBe('/problems/unknown-service');
  });

  it('requires X-Purpose and refuses purposes the agreement does not allow', async () => {
    const body = { postalCode: '1193653471' };
    const missing = await nix.inquire('address', 'postal-code', body, { authorization: 'Bearer demo-key' });
    expect(missing.status).toBe(400);
    expect(missing.json.errors).toEqual([{ pointer: 'header:X-Purpose', detail: 'is required' }]);
    const wrong = await nix.inquire('address', 'postal-code', body, { authorization: 'Bearer demo-key', 'x-purpose': 'marketing' });
    expect(wrong.status).toBe(403);
    expect(wrong.json.type).toBe('/problems/purpose-not-agreed');
  });

  it('refuses an inquiry made on behalf of another agency (R8)', async () => {
    const response = await nix.inquire('address', 'postal-code', { postalCode: '1193653471' }, { ...DEMO_HEADERS, 'x-on-behalf-of': 'bank-x' });
    expect(response.status).toBe(403);
    expect(response.json.type).toBe('/problems/relay-forbidden');
  });

  it('gives every exchange a unique, time-ordered ID and echoes the tracking code', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await nix.inquire('address', 'postal-code', { postalCode: '1193653471' }, { ...DEMO_HEADERS, 'x-tracking-code': `TRK-${i}` });
      expect(response.headers['x-tracking-code']).toBe(`TRK-${i}`);
      expect(response.headers['x-exchange-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      ids.push(response.headers['x-exchange-id']);
    }
    expect(new Set(ids).size).toBe(5);
    expect([...ids].sort()).toEqual(ids);
  });

  it('answers 413, 415 and 400 for oversized, non-JSON and malformed bodies, as problems', async () => {
    const path = '/v1/inquiries/identity/person';
    const big = await nix.call('POST', path, { headers: { ...DEMO_HEADERS, 'content-type': 'application/json' }, raw: JSON.stringify({ pad: 'x'.repeat(70_000) }) });
    expect(big.status).toBe(413);
    const text = await nix.call('POST', path, { headers: { ...DEMO_HEADERS, 'content-type': 'text/plain' }, raw: 'nationalId=0067749828' });
    expect(text.status).toBe(415);
    const malformed = await nix.call('POST', path, { headers: { ...DEMO_HEADERS, 'content-type': 'application/json' }, raw: '{"nationalId": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.type).toBe('/problems/malformed-json');
    const empty = await nix.call('POST', path, { headers: { ...DEMO_HEADERS, 'content-type': 'application/json' }, raw: '' });
    expect(empty.status).toBe(400);
    const array = await nix.inquire('identity', 'person', [1, 2]);
    expect(array.status).toBe(400);
    for (const response of [big, text, malformed, empty, array]) {
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json.exchangeId).toBe(response.headers['x-exchange-id']);
    }
  });

  it('records one traffic record per exchange, with no identifier in it', async () => {
    const before = ledger.records.length;
    await nix.inquire('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21' }, { ...DEMO_HEADERS, 'x-tracking-code': '0067749828' });
    await nix.inquire('identity', 'person', { nationalId: '0067749828' });
    await nix.call('POST', '/v1/inquiries/0067749828/1193653471', { headers: DEMO_HEADERS, body: {} });
    await nix.flushLedger();
    const records = ledger.records.slice(before);
    expect(records.map((r) => r.outcome)).toEqual(['ok', 'invalid', 'invalid']);
    expect(records[0]).toMatchObject({ consumer: 'demo-agency', registry: 'identity', custodian: 'civil-registration', service: 'person', purpose: 'demo', httpStatus: 200 });
    expect(records[2]).toMatchObject({ registry: null, service: null, httpStatus: 404 });
    const text = JSON.stringify(records);
    for (const identifier of ['0067749828', '1193653471', '1988-03-21']) expect(text).not.toContain(identifier);
  });
});
