import type { InquiryMessage } from '@nix/domain';
import { ParcelRegistryServer } from '@nix/registries/testing';
import { AdapterHost } from '../adapter/adapter-host';
import { RecordNotFoundError, type RegistryCall } from '../adapter/registry-adapter';
import { RegistryAnswerError, RegistryHttpError } from '../http/registry-http-client';
import { HttpBindingAdapter, ResponseExpressionError } from './http-binding.adapter';
import type { HttpBinding } from './http-binding';

// A registry NIX has no code for, on a free loopback port: every call below is real HTTP.
const server = new ParcelRegistryServer();
let origin: string;
const adapters: HttpBindingAdapter[] = [];
const call: RegistryCall = (operation) => operation({ signal: AbortSignal.timeout(5000), exchangeId: 'exchange-direct' });
const CREDENTIALS = { CADASTRE_TOKEN: 'Bearer cadastre-s3cret' };

beforeAll(async () => {
  origin = await server.listen();
});

beforeEach(() => {
  server.received.length = 0;
});

afterAll(async () => {
  await Promise.all(adapters.map((adapter) => adapter.close()));
  await server.close();
});

function parcelBinding(changes: Partial<HttpBinding> = {}): HttpBinding {
  return { kind: 'http', method: 'GET', url: `${origin}/parcels/{parcelId}`, response: { parcelId: '/parcel_no', areaSquareMetres: '/area_m2', landUse: '/land_use' }, ...changes };
}

function adapterOf(binding: HttpBinding, options: { maxAnswerBytes?: number; connections?: number } = {}): HttpBindingAdapter {
  const adapter = new HttpBindingAdapter({ registry: 'cadastre', bindings: { parcel: binding }, credentials: CREDENTIALS, ...options });
  adapters.push(adapter);
  return adapter;
}

let exchanges = 0;
function inquiry(body: Record<string, unknown>): InquiryMessage {
  return { exchangeId: `exchange-${++exchanges}`, registry: 'cadastre', service: 'parcel', version: '1.0.0', consumer: 'demo-agency', purpose: 'demo', deadline: Date.now() + 5000, body };
}

describe('HttpBindingAdapter over a real HTTP registry', () => {
  it('serves the bound services of its registry', () => {
    const adapter = new HttpBindingAdapter({ registry: 'cadastre', bindings: { parcel: parcelBinding(), 'parcel-search': parcelBinding() }, credentials: {} });
    expect(adapter.registry).toBe('cadastre');
    expect(adapter.services).toEqual(['parcel', 'parcel-search']);
  });

  it('maps a 200 answer into the published shape, keeping null and leaving out what is not there', async () => {
    const adapter = adapterOf(parcelBinding({ response: { parcelId: '/parcel_no', areaSquareMetres: '/area_m2', landUse: '/land_use', areaHectares: '/area_ha' } }));
    expect(await adapter.answer('parcel', { parcelId: 'P-17' }, call)).toEqual({ parcelId: 'P-17', areaSquareMetres: 250.5, landUse: 'residential' });
    const p18 = await adapter.answer('parcel', { parcelId: 'P-18' }, call);
    expect(p18).toEqual({ parcelId: 'P-18', areaSquareMetres: 12000, landUse: null });
    expect(Object.hasOwn(p18, 'areaHectares')).toBe(false);
    expect(server.received.map((r) => [r.method, r.target, r.headers.accept])).toEqual([
      ['GET', '/parcels/P-17', 'application/json'],
      ['GET', '/parcels/P-18', 'application/json'],
    ]);
  });

  it('keeps its connection to the registry alive between calls', async () => {
    const adapter = adapterOf(parcelBinding(), { connections: 1 });
    for (const parcelId of ['P-17', 'P-18', 'P-404']) await adapter.answer('parcel', { parcelId }, call).catch(() => undefined);
    expect(server.received).toHaveLength(3);
    expect(new Set(server.received.map((r) => r.remotePort)).size).toBe(1);
  });

  it('escapes reserved characters of a request value in the URL', async () => {
    const adapter = adapterOf(parcelBinding());
    expect(await adapter.answer('parcel', { parcelId: 'A/7 ?&#%' }, call)).toEqual({ parcelId: 'A/7 ?&#%', areaSquareMetres: 90, landUse: 'commercial' });
    expect(server.received.map((r) => r.target)).toEqual(['/parcels/A%2F7%20%3F%26%23%25']);
  });

  it('fills query expressions, leaving out fields the request does not have', async () => {
    const adapter = adapterOf(parcelBinding({ url: `${origin}/parcels/{parcelId}{?year,county}` }));
    await adapter.answer('parcel', { parcelId: 'P-17', year: 1402 }, call);
    expect(server.received.map((r) => r.target)).toEqual(['/parcels/P-17?year=1402']);
  });

  it("sends the exchange's ID and the consumer's tracking code as X-NIX-Exchange-Id and X-NIX-Tracking-Code (R9)", async () => {
    const adapter = adapterOf(parcelBinding({ method: 'POST', url: `${origin}/parcels/search`, body: { parcel_no: '/parcelId' } }));
    const host = new AdapterHost([{ adapter }], 'adapter-test', { now: () => Date.now() });
    await host.handle({ ...inquiry({ parcelId: 'P-17' }), trackingCode: 'TRK-1402-9' });
    const tracked = `exchange-${exchanges}`;
    await host.handle(inquiry({ parcelId: 'P-18' }));
    expect(server.received.map((r) => [r.headers['x-nix-exchange-id'], r.headers['x-nix-tracking-code']])).toEqual([
      [tracked, 'TRK-1402-9'],
      [`exchange-${exchanges}`, undefined],
    ]);
  });

  it('turns 404 into RecordNotFoundError, which the host replies as not-found', async () => {
    const adapter = adapterOf(parcelBinding());
    await expect(adapter.answer('parcel', { parcelId: 'P-404' }, call)).rejects.toBeInstanceOf(RecordNotFoundError);
    const reply = await new AdapterHost([{ adapter }], 'adapter-test', { now: () => Date.now() }).handle(inquiry({ parcelId: 'P-404' }));
    expect(reply).toMatchObject({ status: 'not-found', exchangeId: `exchange-${exchanges}` });
    expect(reply?.answer).toBeUndefined();
  });

  it('turns 5xx into a provider error naming the status', async () => {
    const adapter = adapterOf(parcelBinding());
    const error = await adapter.answer('parcel', { parcelId: 'P-500' }, call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryHttpError);
    expect((error as RegistryHttpError).status).toBe(500);
    const reply = await new AdapterHost([{ adapter }], 'adapter-test', { now: () => Date.now() }).handle(inquiry({ parcelId: 'P-500' }));
    expect(reply).toMatchObject({ status: 'provider-error', detail: 'the registry answered HTTP 500' });
  });

  it('turns another status outside 2xx (here 403) into a provider error too, not into "no record"', async () => {
    const adapter = adapterOf(parcelBinding());
    const error = await adapter.answer('parcel', { parcelId: 'P-403' }, call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryHttpError);
    expect((error as RegistryHttpError).status).toBe(403);
  });

  it('turns an answer that is not JSON into RegistryAnswerError', async () => {
    const adapter = adapterOf(parcelBinding());
    const error = await adapter.answer('parcel', { parcelId: 'P-TEXT' }, call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryAnswerError);
    const reply = await new AdapterHost([{ adapter }], 'adapter-test', { now: () => Date.now() }).handle(inquiry({ parcelId: 'P-TEXT' }));
    expect(reply).toMatchObject({ status: 'provider-error', detail: 'the registry\'s answer has no readable "body"' });
  });

  it('refuses an answer longer than it reads', async () => {
    const adapter = adapterOf(parcelBinding(), { maxAnswerBytes: 20 });
    await expect(adapter.answer('parcel', { parcelId: 'P-17' }, call)).rejects.toBeInstanceOf(RegistryAnswerError);
  });

  it('sends a credential header with its value from configuration, and literal headers', async () => {
    const binding = parcelBinding({ headers: { Authorization: { credential: 'CADASTRE_TOKEN' }, 'X-Client': 'nix' } });
    expect(JSON.stringify(binding)).not.toContain('s3cret');
    await adapterOf(binding).answer('parcel', { parcelId: 'P-17' }, call);
    expect(server.received[0].headers).toMatchObject({ authorization: 'Bearer cadastre-s3cret', 'x-client': 'nix' });
  });

  it('refuses to start with a credential that is not configured, naming the variable and no value', () => {
    const binding = parcelBinding({ headers: { Authorization: { credential: 'DEEDS_TOKEN' } } });
    expect(() => new HttpBindingAdapter({ registry: 'cadastre', bindings: { parcel: binding }, credentials: CREDENTIALS })).toThrow(
      'the binding of cadastre/parcel names credential DEEDS_TOKEN, but NIX_CREDENTIAL_DEEDS_TOKEN is not set',
    );
  });

  it('computes fields with a JSONata expression', async () => {
    const adapter = adapterOf(
      parcelBinding({
        response: undefined,
        responseExpression: '{ "parcelId": parcel_no, "areaSquareMetres": area_m2, "areaHectares": area_m2 / 10000, "landUse": land_use ? $uppercase(land_use) : null }',
      }),
    );
    expect(await adapter.answer('parcel', { parcelId: 'P-17' }, call)).toEqual({ parcelId: 'P-17', areaSquareMetres: 250.5, areaHectares: 0.02505, landUse: 'RESIDENTIAL' });
    expect(await adapter.answer('parcel', { parcelId: 'P-18' }, call)).toEqual({ parcelId: 'P-18', areaSquareMetres: 12000, areaHectares: 1.2, landUse: null });
  });

  it('turns a JSONata expression that fails on an answer into a provider error with its code, never a value', async () => {
    const adapter = adapterOf(parcelBinding({ response: undefined, responseExpression: '{ "parcelId": parcel_no, "areaSquareMetres": $number(county) }' }));
    const error = await adapter.answer('parcel', { parcelId: 'P-17' }, call).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseExpressionError);
    expect((error as Error).message).toBe("the binding's response expression failed on the registry's answer (JSONata D3030)");
    const notObject = adapterOf(parcelBinding({ response: undefined, responseExpression: 'area_m2' }));
    await expect(notObject.answer('parcel', { parcelId: 'P-17' }, call)).rejects.toThrow("the binding's response expression gave no object for the registry's answer");
  });

  it('stops a JSONata expression that does not end', async () => {
    const adapter = adapterOf(parcelBinding({ response: undefined, responseExpression: '($f := function($n) { $f($n + 1) }; { "parcelId": $f(0) })' }));
    await expect(adapter.answer('parcel', { parcelId: 'P-17' }, call)).rejects.toBeInstanceOf(ResponseExpressionError);
  });

  it('POSTs the request fields, or the body its map builds, as JSON', async () => {
    const search = { method: 'POST', url: `${origin}/parcels/search` } as const;
    expect(await adapterOf(parcelBinding({ ...search, body: { parcel_no: '/parcelId', context: { purpose: '/purpose' } } })).answer('parcel', { parcelId: 'P-17', purpose: 'tax' }, call)).toEqual({
      parcelId: 'P-17',
      areaSquareMetres: 250.5,
      landUse: 'residential',
    });
    await expect(adapterOf(parcelBinding(search)).answer('parcel', { parcel_no: 'P-18' }, call)).resolves.toMatchObject({ parcelId: 'P-18' });
    expect(server.received.map((r) => [r.method, r.target, r.headers['content-type'], JSON.parse(r.body)])).toEqual([
      ['POST', '/parcels/search', 'application/json', { parcel_no: 'P-17', context: { purpose: 'tax' } }],
      ['POST', '/parcels/search', 'application/json', { parcel_no: 'P-18' }],
    ]);
  });

  it('gives up when the call is aborted, as the host does at the deadline', async () => {
    const adapter = adapterOf(parcelBinding());
    const aborted: RegistryCall = (operation) => operation({ signal: AbortSignal.abort(), exchangeId: 'exchange-aborted' });
    await expect(adapter.answer('parcel', { parcelId: 'P-17' }, aborted)).rejects.toThrow();
    expect(server.received).toEqual([]);
  });
});
