import { schemasWithTimeouts } from '../support/fixtures';
import { startFakeRegistries } from '../support/sample-registry';
import { startTestApp, type TestApp } from '../support/test-app';
import { testReceiptKeys } from '../support/receipt-keys';

const ADDRESS = { postalCode: '1193653471' };

describe('registry and adapter failures', () => {
  let nix: TestApp;
  let registries: Awaited<ReturnType<typeof startFakeRegistries>>;

  beforeAll(async () => {
    registries = await startFakeRegistries();
    nix = await startTestApp({
      ...registries.env,
      NIX_SCHEMAS_DIR: schemasWithTimeouts({ 'address/postal-code': 400 }),
      // The goods adapter is not run at all.
      NIX_ADAPTER_REGISTRIES: 'identity,legal-entity,address,vehicle',
    });
  });
  afterAll(async () => {
    await nix.close();
    await registries.close();
  });
  afterEach(() => {
    registries.server.fault = { kind: 'none' };
  });

  it('answers through the HTTP backends like the sample backend', async () => {
    const response = await nix.inquire('address', 'postal-code', ADDRESS);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ city: 'تهران', plaque: '12', coordinates: { latitude: 35.7298, longitude: 51.4042 } });
  });

  it('answers 503 problem+json with Retry-After at once when no adapter serves the registry', async () => {
    const started = Date.now();
    const response = await nix.inquire('goods', 'goods', { gtin: '6260100001237' });
    expect(Date.now() - started).toBeLessThan(500);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json.type).toBe('/problems/no-adapter');
  });

  it('answers 503 provider-error when the registry answers 500', async () => {
    registries.server.fault = { kind: 'error', status: 500 };
    const response = await nix.inquire('address', 'postal-code', ADDRESS);
    expect(response.status).toBe(503);
    expect(response.json.type).toBe('/problems/provider-error');
    expect(response.json.detail).toContain('HTTP 500');
  });

  it('answers 504 within the service deadline when the registry stalls, then recovers', async () => {
    registries.server.fault = { kind: 'stall', ms: 3000 };
    const started = Date.now();
    const response = await nix.inquire('address', 'postal-code', ADDRESS);
    const took = Date.now() - started;
    expect(response.status).toBe(504);
    expect(response.json.type).toBe('/problems/deadline-exceeded');
    expect(took).toBeGreaterThanOrEqual(390);
    expect(took).toBeLessThan(1000);
    registries.server.fault = { kind: 'none' };
    expect((await nix.inquire('address', 'postal-code', ADDRESS)).status).toBe(200);
  });
});

describe('production mode', () => {
  let nix: TestApp;
  let registries: Awaited<ReturnType<typeof startFakeRegistries>>;

  beforeAll(async () => {
    registries = await startFakeRegistries();
    nix = await startTestApp({ ...registries.env, NODE_ENV: 'production', NIX_TRACKING_KEY: 'a-real-tracking-key-from-a-vault', NIX_RECEIPT_KEYS: testReceiptKeys(), NIX_LEDGER_SIGNING_KEY: 'MC4CAQAwBQYDK2VwBCIEIKyBR2qkA05A4RT3Zh6/9u2Lsm0IgT+g/ki+X+kYA01p' });
  });
  afterAll(async () => {
    await nix.close();
    await registries.close();
  });

  it('refuses the demo keys', async () => {
    for (const key of ['demo-key', 'demo-wg-key']) {
      const response = await nix.inquire('address', 'postal-code', ADDRESS, { authorization: `Bearer ${key}`, 'x-purpose': 'demo' });
      expect(response.status).toBe(401);
    }
  });
});
