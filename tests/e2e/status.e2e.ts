import { MemoryTrafficLedger } from '@nix/ledger/testing';
import { schemasWithTimeouts } from '../support/fixtures';
import { eventually } from '../support/polling';
import { startFakeRegistries } from '../support/sample-registry';
import { startTestApp, type TestApp } from '../support/test-app';

const ADDRESS = { postalCode: '1193653471' };

describe('public status (R15): GET /v1/status and /status', () => {
  let nix: TestApp;
  let registries: Awaited<ReturnType<typeof startFakeRegistries>>;

  const status = async () => {
    const response = await nix.call('GET', '/v1/status');
    expect(response.status).toBe(200);
    return response.json as { generatedAt: string; services: any[] };
  };
  const serviceOf = async (registry: string, service: string) => (await status()).services.find((s) => s.registry === registry && s.service === service);

  beforeAll(async () => {
    registries = await startFakeRegistries();
    nix = await startTestApp(
      {
        ...registries.env,
        NIX_SCHEMAS_DIR: schemasWithTimeouts({ 'address/postal-code': 300 }),
        NIX_BREAKER_VOLUME_THRESHOLD: '3',
        // Long enough that the breaker is still open when the status is read, however busy the machine.
        NIX_BREAKER_RESET_MS: '10000',
        // goods has no adapter in this process.
        NIX_ADAPTER_REGISTRIES: 'identity,legal-entity,address,vehicle',
      },
      { sink: new MemoryTrafficLedger() },
    );
  });
  afterAll(async () => {
    await nix.close();
    await registries.close();
  });

  it('answers without a key, for every catalogued service, cacheable for a few seconds', async () => {
    const response = await nix.call('GET', '/v1/status');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('public, max-age=5');
    const catalogue = (await nix.call('GET', '/v1/services')).json.services as { registry: string; service: string; version: string }[];
    const services = response.json.services as any[];
    expect(services.map((s) => `${s.registry}/${s.service}`)).toEqual(catalogue.map((s) => `${s.registry}/${s.service}`));
    expect(Date.parse(response.json.generatedAt)).not.toBeNaN();
    const person = services.find((s) => s.registry === 'identity' && s.service === 'person');
    expect(person).toEqual({
      registry: 'identity',
      service: 'person',
      versions: [catalogue.find((s) => s.service === 'person')!.version],
      title: expect.objectContaining({ fa: expect.any(String), en: expect.any(String) }),
      registryTitle: expect.objectContaining({ fa: expect.any(String), en: expect.any(String) }),
      hours: '24x7',
      state: 'operational',
      upcomingMaintenance: [],
      recentIncidents: [],
      probe: null,
    });
  });

  it('shows a registry no adapter serves as down', async () => {
    const goods = (await status()).services.filter((s) => s.registry === 'goods');
    expect(goods.length).toBeGreaterThan(0);
    for (const service of goods) expect(service.state).toBe('down');
  });

  it('shows an incident when a breaker opens, the service down, and the incident closed once it recovers', async () => {
    registries.server.fault = { kind: 'stall', ms: 1500 };
    for (let i = 0; i < 3; i++) expect((await nix.inquire('address', 'postal-code', ADDRESS)).status).toBe(504);
    expect((await nix.inquire('address', 'postal-code', ADDRESS)).status).toBe(503);

    const down = await serviceOf('address', 'postal-code');
    expect(down.state).toBe('down');
    expect(down.recentIncidents).toEqual([{ registry: 'address', openedAt: expect.any(String), closedAt: null }]);
    const openedAt = Date.parse(down.recentIncidents[0].openedAt);
    expect(openedAt).toBeLessThanOrEqual(Date.parse((await status()).generatedAt));
    // Other registries are untouched.
    expect((await serviceOf('identity', 'person')).recentIncidents).toEqual([]);

    registries.server.fault = { kind: 'none' };
    // After the reset time a probe goes through and closes the breaker.
    const recovered = await eventually(
      async () => {
        await nix.inquire('address', 'postal-code', ADDRESS);
        return serviceOf('address', 'postal-code');
      },
      (s) => s.state === 'operational' && s.recentIncidents[0]?.closedAt !== null,
      60_000,
    );
    expect(recovered.state).toBe('operational');
    expect(recovered.recentIncidents).toEqual([{ registry: 'address', openedAt: down.recentIncidents[0].openedAt, closedAt: expect.any(String) }]);
    expect(Date.parse(recovered.recentIncidents[0].closedAt)).toBeGreaterThan(openedAt);
    // No payload and no identifier in the public status.
    expect(JSON.stringify(await status())).not.toContain(ADDRESS.postalCode);
  }, 90_000);

  it('is in the OpenAPI document, public', async () => {
    const document = (await nix.call('GET', '/docs/openapi.json')).json;
    const operation = document.paths['/v1/status'].get;
    expect(operation.security).toEqual([]);
    expect(operation.responses[200].content['application/json'].schema.properties.services.items.properties.state.enum).toEqual(['operational', 'degraded', 'down', 'maintenance']);
  });

  it('serves the page and its assets with a strict policy, and a problem for a file it does not have', async () => {
    const page = await nix.call('GET', '/status');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).toContain('<html lang="fa" dir="rtl">');
    for (const file of ['status.js', 'status-i18n.js', 'status.css']) {
      const asset = await nix.call('GET', `/status/assets/${file}`);
      expect(asset.status).toBe(200);
      expect(asset.headers['x-content-type-options']).toBe('nosniff');
    }
    const missing = await nix.call('GET', '/status/assets/chart.umd.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.json.type).toBe('/problems/not-found');
    expect((await nix.call('GET', '/status/assets/index.html')).status).toBe(404);
    // The dashboard keeps its own files (served the same way).
    expect((await nix.call('GET', '/dashboard/assets/chart.umd.js')).status).toBe(200);
    expect((await nix.call('GET', '/dashboard/assets/status.js')).status).toBe(404);
  });
});
