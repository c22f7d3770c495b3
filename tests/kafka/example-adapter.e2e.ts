import { randomBytes } from 'node:crypto';
import { startAdapter, type RunningAdapter } from '../../examples/kafka-adapter/src/adapter';
import { lookupGoods } from '../../examples/kafka-adapter/src/goods-registry';
import { describeWithKafka, kafkaEnv, sharedKafkaSecurity, uniquePrefix } from '../support/kafka-env';
import { eventually } from '../support/polling';
import { freshDatabase } from '../support/postgres';
import { DEMO_HEADERS, startTestApp, type TestApp } from '../support/test-app';

/** The custodian's adapter on the secure test broker (NIX_KAFKA_TEST_SECURE=1): TLS and the tests' user. */
function exampleAdapterSecurity(): { ssl?: { ca: string[] }; sasl?: { username: string; password: string } } {
  const { ssl, sasl } = sharedKafkaSecurity();
  return ssl && sasl ? { ssl: { ca: ssl.ca ? [ssl.ca] : [] }, sasl: { username: sasl.username, password: sasl.password } } : {};
}

/** Every registry but goods: NIX's own adapters leave it to the custodian's. */
const NIX_ADAPTERS = ['identity', 'legal-entity', 'address', 'vehicle'];

describeWithKafka("a custodian's own adapter (examples/kafka-adapter) on the published topic contract", () => {
  const prefix = uniquePrefix('nixtest-example-adapter');
  let nix: TestApp;
  let adapter: RunningAdapter | undefined;
  const warnings: string[] = [];
  /** The custodian's adapter holds the keys NIX's brokers seal with (here: a fresh pair, not the demo key). */
  const payloadKeys = `e2e-new:${randomBytes(32).toString('base64')},e2e-old:${randomBytes(32).toString('base64')}`;

  beforeAll(async () => {
    nix = await startTestApp({ ...kafkaEnv(prefix, `${prefix}-nix`), DATABASE_URL: await freshDatabase(), NIX_PAYLOAD_KEYS: payloadKeys }, { registries: NIX_ADAPTERS });
    await eventually(() => nix.call('GET', '/health/ready'), (r) => r.status === 200, 60_000);
  });
  afterAll(async () => {
    await adapter?.stop();
    await nix?.close();
  });

  it('leaves goods unserved until the example adapter runs: 503 no-adapter, and down on the status', async () => {
    const refused = await nix.inquire('goods', 'goods', { gtin: '6260100001237' });
    expect(refused.status).toBe(503);
    expect(refused.json.type).toBe('/problems/no-adapter');
    const status = await eventually(
      () => nix.call('GET', '/v1/status'),
      (r) => r.json?.services?.find((s: any) => s.registry === 'goods')?.state === 'down',
      30_000,
    );
    expect(status.json.services.find((s: any) => s.registry === 'goods').state).toBe('down');
  });

  it('answers goods inquiries through the example adapter: 200 in the published shape, 404 for an unknown code', async () => {
    adapter = await startAdapter({
      brokers: process.env.NIX_TEST_KAFKA_BROKERS!.split(','),
      ...exampleAdapterSecurity(),
      prefix,
      registry: 'goods',
      major: 1,
      instance: 'custodian-example-1',
      payloadKeys,
      lookup: lookupGoods,
      warn: (message) => warnings.push(message),
    });
    const catalogued = (await nix.call('GET', '/v1/services/goods/goods')).json;
    const expected = catalogued.responseSchema.examples[0];

    // The broker's view of the adapter group may lag a moment behind the join: retry a 503 no-adapter only.
    const byGtin = await eventually(
      () => nix.inquire('goods', 'goods', { gtin: '6260100001237' }, { ...DEMO_HEADERS, 'x-tracking-code': 'example-1' }),
      (r) => r.status !== 503,
      30_000,
    );
    expect(byGtin.status).toBe(200);
    expect(byGtin.json).toEqual(expected);
    expect(byGtin.headers['x-tracking-code']).toBe('example-1');

    const byIranCode = await nix.inquire('goods', 'goods', { iranCode: expected.iranCode });
    expect(byIranCode.status).toBe(200);
    expect(byIranCode.json).toEqual(expected);

    const unknown = await nix.inquire('goods', 'goods', { gtin: '96385074' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.type).toBe('/problems/record-not-found');
    expect(warnings).toEqual([]);

    // The example serves no other registry: NIX's adapters still do.
    expect((await nix.inquire('address', 'postal-code', { postalCode: '1193653471' })).status).toBe(200);
    const goodsStatus = await eventually(
      () => nix.call('GET', '/v1/status'),
      (r) => r.json?.services?.find((s: any) => s.registry === 'goods')?.state === 'operational',
      30_000,
    );
    expect(goodsStatus.json.services.find((s: any) => s.registry === 'goods').state).toBe('operational');
  });
});
