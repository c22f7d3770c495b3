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
 * Existing registries' HTTP backends (address.http.ts, goods.http.ts, vehicle.http.ts: each registry's own field
 * names) as `http` bindings, with no code: over the same fake registry API, each answers exactly what its code
 * adapter answers.
 */
const registry = new SampleRegistry(generateSampleDataset(11, { persons: 30, companies: 5, addresses: 60, vehicles: 40, goods: 40 }));
const { addresses, goods, vehicles } = registry.dataset;
const TOKEN = 'Bearer registry-test-token';

interface Case {
  registry: string;
  service: string;
  /** The origin the fixture names, which the fake registry stands in for. */
  origin: string;
  credential: string;
  inquiries: () => Record<string, unknown>[];
  missing: Record<string, unknown>;
}

const CASES: Case[] = [
  {
    registry: 'address',
    service: 'postal-code',
    origin: 'https://gnaf.post.example',
    credential: 'GNAF_TOKEN',
    inquiries: () => addresses.map((a) => ({ postalCode: a.postalCode })),
    missing: { postalCode: '1111111111' },
  },
  {
    registry: 'goods',
    service: 'goods',
    origin: 'https://api.irancode.example',
    credential: 'IRANCODE_TOKEN',
    inquiries: () => [...goods.map((g) => ({ iranCode: g.iranCode })), ...goods.filter((g) => g.gtin).map((g) => ({ gtin: g.gtin }))],
    missing: { iranCode: '0000000000000000' },
  },
  {
    registry: 'vehicle',
    service: 'vehicle',
    origin: 'https://api.police.example',
    credential: 'POLICE_TOKEN',
    inquiries: () =>
      vehicles.flatMap((v, i) => [
        { plate: v.plate },
        { vin: v.vin },
        // The owner is confirmed or not, never revealed: once the owner, once another person.
        { vin: v.vin, ownerNationalId: v.ownerNationalId },
        { plate: v.plate, ownerNationalId: registry.dataset.persons[i % registry.dataset.persons.length].nationalId },
      ]),
    missing: { vin: '00000000000000000' },
  },
];

const server = new SampleRegistryServer(registry);
let baseUrl: string;
const closing: Array<() => Promise<void>> = [];
const clock = { now: () => Date.now() };

beforeAll(async () => {
  baseUrl = await server.listen(0);
});

afterAll(async () => {
  await Promise.all(closing.map((close) => close()));
  await server.close();
});

function fixture(name: string): HttpBinding {
  return JSON.parse(readFileSync(join(__dirname, 'examples', `${name}.binding.json`), 'utf8'));
}

function schema(registryName: string, file: string) {
  return JSON.parse(readFileSync(join(__dirname, '../../../../schemas', registryName, file), 'utf8'));
}

let exchanges = 0;
function inquiry(c: Case, body: Record<string, unknown>): InquiryMessage {
  return { exchangeId: `exchange-${++exchanges}`, registry: c.registry, service: c.service, version: '1.0.0', consumer: 'demo-agency', purpose: 'demo', deadline: Date.now() + 5000, body };
}

/** What a consumer would see of a reply: its status and answer, not the adapter's timing. */
async function outcome(host: AdapterHost, message: InquiryMessage): Promise<Pick<InquiryReply, 'status' | 'answer' | 'detail'>> {
  const reply = await host.handle(message);
  if (!reply) throw new Error('the host dropped an inquiry whose deadline had not passed');
  return { status: reply.status, answer: reply.answer, detail: reply.detail };
}

describe.each(CASES)('the $registry registry as an http binding', (c) => {
  let binding: HttpBinding;
  let codeHost: AdapterHost;
  let boundHost: AdapterHost;
  const requestSchema = schema(c.registry, `${c.service}.request.json`);
  const responseSchema = schema(c.registry, `${c.service}.response.json`);

  beforeAll(() => {
    binding = { ...fixture(c.registry), url: fixture(c.registry).url.replace(c.origin, baseUrl) };
    const code: BuiltAdapter = buildAdapter(c.registry, { kind: 'http', baseUrl, authorization: TOKEN });
    const bound = new HttpBindingAdapter({ registry: c.registry, bindings: { [c.service]: binding }, credentials: { [c.credential]: TOKEN } });
    closing.push(() => code.close(), () => bound.close());
    codeHost = new AdapterHost([{ adapter: code.adapter }], 'adapter-code', clock);
    boundHost = new AdapterHost([{ adapter: bound }], 'adapter-binding', clock);
  });

  it('passes checkBinding against the published schemas', () => {
    expect(checkBinding(fixture(c.registry), requestSchema, responseSchema, [c.credential])).toEqual([]);
  });

  it('answers what the code adapter answers, for every record, in the published shape', async () => {
    const bodies = c.inquiries();
    expect(bodies.length).toBeGreaterThanOrEqual(40);
    for (const body of bodies) {
      const viaBinding = await outcome(boundHost, inquiry(c, body));
      expect([body, viaBinding.status]).toEqual([body, 'ok']);
      expect(viaBinding).toEqual(await outcome(codeHost, inquiry(c, body)));
      expect(Object.keys(viaBinding.answer!).every((property) => Object.hasOwn(responseSchema.properties, property))).toBe(true);
    }
  });

  it('gives not-found and provider errors as the code adapter does', async () => {
    expect(await outcome(boundHost, inquiry(c, c.missing))).toEqual({ status: 'not-found', answer: undefined, detail: undefined });
    expect(await outcome(codeHost, inquiry(c, c.missing))).toEqual({ status: 'not-found', answer: undefined, detail: undefined });
    const [example] = requestSchema.examples;
    server.fault = { kind: 'error', status: 503 };
    try {
      const failed = { status: 'provider-error', answer: undefined, detail: 'the registry answered HTTP 503' };
      expect(await outcome(boundHost, inquiry(c, example))).toEqual(failed);
      expect(await outcome(codeHost, inquiry(c, example))).toEqual(failed);
    } finally {
      server.fault = { kind: 'none' };
    }
  });

  it('passes tryExamples with the published request examples', async () => {
    expect(await tryExamples({ binding, requestSchema, responseSchema, credentials: { [c.credential]: TOKEN }, timeoutMs: 3000 })).toEqual([]);
  });
});

describe('what the fixtures show', () => {
  it('the vehicle binding confirms or denies an owner and never reveals one', async () => {
    const vehicle = vehicles[0];
    const other = registry.dataset.persons.find((p) => p.nationalId !== vehicle.ownerNationalId)!;
    const bound = new HttpBindingAdapter({ registry: 'vehicle', bindings: { vehicle: { ...fixture('vehicle'), url: `${baseUrl}/vehicles{?plate,vin}` } }, credentials: { POLICE_TOKEN: TOKEN } });
    closing.push(() => bound.close());
    const host = new AdapterHost([{ adapter: bound }], 'adapter-binding', clock);
    const c = CASES[2];
    const owner = await outcome(host, inquiry(c, { vin: vehicle.vin, ownerNationalId: vehicle.ownerNationalId }));
    const notOwner = await outcome(host, inquiry(c, { vin: vehicle.vin, ownerNationalId: other.nationalId }));
    const unasked = await outcome(host, inquiry(c, { vin: vehicle.vin }));
    expect([owner.answer?.ownerMatch, notOwner.answer?.ownerMatch, unasked.answer && Object.hasOwn(unasked.answer, 'ownerMatch')]).toEqual([true, false, false]);
    expect(JSON.stringify([owner, notOwner, unasked])).not.toContain(vehicle.ownerNationalId);
  });

  it('the goods binding asks by Iran Code in the path and by GTIN in the query', async () => {
    const item = goods.find((g) => g.gtin)!;
    const c = CASES[1];
    const bound = new HttpBindingAdapter({ registry: 'goods', bindings: { goods: { ...fixture('goods'), url: `${baseUrl}/items{/iranCode}{?gtin}` } }, credentials: { IRANCODE_TOKEN: TOKEN } });
    closing.push(() => bound.close());
    const host = new AdapterHost([{ adapter: bound }], 'adapter-binding', clock);
    const before = server.requests;
    const byCode = await outcome(host, inquiry(c, { iranCode: item.iranCode }));
    const byGtin = await outcome(host, inquiry(c, { gtin: item.gtin }));
    expect(server.requests - before).toBe(2);
    expect(byGtin).toEqual(byCode);
    expect(byCode.answer).toMatchObject({ iranCode: item.iranCode, gtin: item.gtin, classification: { hsCode: item.hsCode } });
  });
});
