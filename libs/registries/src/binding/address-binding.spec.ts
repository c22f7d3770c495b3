import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InquiryMessage, InquiryReply } from '@nix/domain';
import { SampleRegistryServer } from '@nix/registries/testing';
import { AdapterHost } from '../adapter/adapter-host';
import { buildAdapter, type BuiltAdapter } from '../adapter/adapter-factory';
import { generateSampleDataset } from '../sample/sample-dataset';
import { SampleRegistry } from '../sample/sample-registry';
import { checkBinding } from './check-binding';
import { HttpBindingAdapter } from './http-binding.adapter';
import type { HttpBinding } from './http-binding';
import { tryExamples } from './try-examples';

/**
 * The address registry's HTTP backend (address.http.ts, GNAF's field names) as an `http` binding, with no code:
 * over the same fake GNAF API it answers exactly what the code adapter answers.
 */
const FIXTURE: HttpBinding = JSON.parse(readFileSync(join(__dirname, 'examples/address.binding.json'), 'utf8'));
const schema = (file: string) => JSON.parse(readFileSync(join(__dirname, '../../../../schemas/address', file), 'utf8'));
const REQUEST_SCHEMA = schema('postal-code.request.json');
const RESPONSE_SCHEMA = schema('postal-code.response.json');
const TOKEN = 'Bearer gnaf-test-token';

const registry = new SampleRegistry(generateSampleDataset(11, { persons: 5, companies: 5, addresses: 60, vehicles: 5, goods: 5 }));
const server = new SampleRegistryServer(registry);
let binding: HttpBinding;
let code: BuiltAdapter;
let bound: HttpBindingAdapter;
let codeHost: AdapterHost;
let boundHost: AdapterHost;

beforeAll(async () => {
  const baseUrl = await server.listen(0);
  // The fixture names GNAF's real origin; here the fake registry stands in for it.
  binding = { ...FIXTURE, url: FIXTURE.url.replace('https://gnaf.post.example', baseUrl) };
  code = buildAdapter('address', { kind: 'http', baseUrl, authorization: TOKEN });
  bound = new HttpBindingAdapter({ registry: 'address', bindings: { 'postal-code': binding }, credentials: { GNAF_TOKEN: TOKEN } });
  const clock = { now: () => Date.now() };
  codeHost = new AdapterHost([{ adapter: code.adapter }], 'adapter-code', clock);
  boundHost = new AdapterHost([{ adapter: bound }], 'adapter-binding', clock);
});

afterAll(async () => {
  await Promise.all([code.close(), bound.close()]);
  await server.close();
});

let exchanges = 0;
function inquiry(postalCode: string): InquiryMessage {
  return { exchangeId: `exchange-${++exchanges}`, registry: 'address', service: 'postal-code', version: '1.0.0', consumer: 'demo-agency', purpose: 'demo', deadline: Date.now() + 5000, body: { postalCode } };
}

/** What a consumer would see of a reply: its status and answer, not the adapter's timing. */
async function outcome(host: AdapterHost, postalCode: string): Promise<Pick<InquiryReply, 'status' | 'answer' | 'detail'>> {
  const reply = await host.handle(inquiry(postalCode));
  if (!reply) throw new Error('the host dropped an inquiry whose deadline had not passed');
  return { status: reply.status, answer: reply.answer, detail: reply.detail };
}

describe('the address registry as an http binding', () => {
  it('passes checkBinding against the published address schemas', () => {
    expect(checkBinding(FIXTURE, REQUEST_SCHEMA, RESPONSE_SCHEMA, ['GNAF_TOKEN'])).toEqual([]);
  });

  it('answers what the code adapter answers, for every address', async () => {
    const addresses = registry.dataset.addresses;
    expect(addresses.length).toBeGreaterThanOrEqual(60);
    for (const address of addresses) {
      const viaBinding = await outcome(boundHost, address.postalCode);
      expect(viaBinding.status).toBe('ok');
      expect(viaBinding).toEqual(await outcome(codeHost, address.postalCode));
    }
    // Some addresses have no unit or floor: both adapters give null for them.
    expect(addresses.some((a) => a.unit === null || a.floor === null)).toBe(true);
  });

  it('answers the pinned record in the published shape', async () => {
    const { answer } = await outcome(boundHost, '1193653471');
    expect(answer).toMatchObject({ coordinates: { latitude: expect.any(Number), longitude: expect.any(Number) } });
    expect(Object.keys(answer!).sort()).toEqual(['city', 'coordinates', 'floor', 'locality', 'plaque', 'province', 'street', 'unit']);
  });

  it('gives not-found and provider errors as the code adapter does', async () => {
    expect(await outcome(boundHost, '1111111111')).toEqual({ status: 'not-found', answer: undefined, detail: undefined });
    expect(await outcome(codeHost, '1111111111')).toEqual({ status: 'not-found', answer: undefined, detail: undefined });
    server.fault = { kind: 'error', status: 503 };
    try {
      expect(await outcome(boundHost, '1193653471')).toEqual({ status: 'provider-error', answer: undefined, detail: 'the registry answered HTTP 503' });
      expect(await outcome(codeHost, '1193653471')).toEqual({ status: 'provider-error', answer: undefined, detail: 'the registry answered HTTP 503' });
    } finally {
      server.fault = { kind: 'none' };
    }
  });

  it('passes tryExamples with the published request examples', async () => {
    expect(await tryExamples({ binding, requestSchema: REQUEST_SCHEMA, responseSchema: RESPONSE_SCHEMA, credentials: { GNAF_TOKEN: TOKEN }, timeoutMs: 3000 })).toEqual([]);
  });
});
