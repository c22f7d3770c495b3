import { createServer } from 'node:net';
import { PARCEL_REQUEST_SCHEMA, PARCEL_RESPONSE_SCHEMA, ParcelRegistryServer } from '@nix/registries/testing';
import type { HttpBinding } from './http-binding';
import { tryExamples } from './try-examples';

const server = new ParcelRegistryServer();
let origin: string;

beforeAll(async () => {
  origin = await server.listen();
});

afterAll(() => server.close());

function binding(changes: Partial<HttpBinding> = {}): HttpBinding {
  return { kind: 'http', method: 'GET', url: `${origin}/parcels/{parcelId}`, response: { parcelId: '/parcel_no', areaSquareMetres: '/area_m2', landUse: '/land_use' }, ...changes };
}

function requestWithExamples(...parcelIds: string[]) {
  return { ...PARCEL_REQUEST_SCHEMA, examples: parcelIds.map((parcelId) => ({ parcelId })) };
}

describe('tryExamples against the live registry', () => {
  it('finds no failure when every example maps to an answer the response schema allows', async () => {
    const failures = await tryExamples({ binding: binding(), requestSchema: PARCEL_REQUEST_SCHEMA, responseSchema: PARCEL_RESPONSE_SCHEMA, credentials: {}, timeoutMs: 3000 });
    expect(failures).toEqual([]);
    expect(server.received.map((r) => r.target).slice(-2)).toEqual(['/parcels/P-17', '/parcels/P-18']);
  });

  it('names each failing example by index, with the reason', async () => {
    const failures = await tryExamples({
      binding: binding(),
      requestSchema: requestWithExamples('P-17', 'P-404', 'P-500', 'P-TEXT', 'P-403', 'P-18'),
      responseSchema: PARCEL_RESPONSE_SCHEMA,
      credentials: {},
      timeoutMs: 3000,
    });
    expect(failures).toEqual([
      { example: 1, reason: 'the registry holds no record for it (HTTP 404)' },
      { example: 2, reason: 'the registry answered HTTP 500' },
      { example: 3, reason: 'the registry\'s answer has no readable "body"' },
      { example: 4, reason: 'the registry answered HTTP 403' },
    ]);
  });

  it('names an example whose mapped answer does not match the response schema, by the answer\'s pointers and no value', async () => {
    const failures = await tryExamples({
      binding: binding({ response: { parcelId: '/parcel_no', areaSquareMetres: '/county', landUse: '/area_m2' } }),
      requestSchema: requestWithExamples('P-17'),
      responseSchema: PARCEL_RESPONSE_SCHEMA,
      credentials: {},
      timeoutMs: 3000,
    });
    expect(failures).toEqual([{ example: 0, reason: 'the mapped answer does not match the response schema: /areaSquareMetres must be number; /landUse must be string,null' }]);
    expect(failures[0].reason).not.toContain('Shemiranat');
  });

  it('names a required property that the registry\'s answer lacks', async () => {
    const failures = await tryExamples({
      binding: binding({ response: { parcelId: '/parcel_no', areaSquareMetres: '/area' } }),
      requestSchema: requestWithExamples('P-17'),
      responseSchema: PARCEL_RESPONSE_SCHEMA,
      credentials: {},
      timeoutMs: 3000,
    });
    expect(failures).toEqual([{ example: 0, reason: 'the mapped answer does not match the response schema: /areaSquareMetres is required' }]);
  });

  it('names an example the registry does not answer within the service\'s timeout', async () => {
    const failures = await tryExamples({ binding: binding(), requestSchema: requestWithExamples('P-17', 'P-SLOW'), responseSchema: PARCEL_RESPONSE_SCHEMA, credentials: {}, timeoutMs: 1000 });
    expect(failures).toEqual([{ example: 1, reason: 'the registry did not answer within 1000 ms' }]);
  });

  it('names a registry that cannot be reached', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const failures = await tryExamples({
      binding: binding({ url: `http://127.0.0.1:${closedPort}/parcels/{parcelId}` }),
      requestSchema: requestWithExamples('P-17'),
      responseSchema: PARCEL_RESPONSE_SCHEMA,
      credentials: {},
      timeoutMs: 3000,
    });
    expect(failures).toEqual([{ example: 0, reason: 'the registry could not be reached (ECONNREFUSED)' }]);
  });

  it('finds no failure for a service without examples', async () => {
    const { examples: _examples, ...withoutExamples } = PARCEL_REQUEST_SCHEMA;
    expect(await tryExamples({ binding: binding(), requestSchema: withoutExamples, responseSchema: PARCEL_RESPONSE_SCHEMA, credentials: {}, timeoutMs: 3000 })).toEqual([]);
  });
});
