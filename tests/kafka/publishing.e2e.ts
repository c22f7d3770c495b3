import { ParcelRegistryServer } from '@nix/registries/testing';
import { describeWithKafka, kafkaEnv, uniquePrefix } from '../support/kafka-env';
import { freshDatabase } from '../support/postgres';
import { eventually } from '../support/polling';
import { objectSchema } from '../support/parcel-publishing';
import { startTestApp, type TestApp } from '../support/test-app';

const WG = { authorization: 'Bearer demo-wg-key' };

/** A service published through the broker is served by a separate adapter process, which nobody restarts. */
describeWithKafka('publishing an http-bound service in the split layout over Kafka', () => {
  const prefix = uniquePrefix('nixtest-publish');
  const registry = new ParcelRegistryServer();
  const apps: TestApp[] = [];
  let broker: TestApp;
  let registryUrl: string;

  beforeAll(async () => {
    registryUrl = await registry.listen();
    const database = await freshDatabase();
    const start = (id: string, roles: ('broker' | 'adapters' | 'recorder')[]) =>
      startTestApp({ ...kafkaEnv(prefix, `${prefix}-${id}`), DATABASE_URL: database }, { roles }).then((app) => {
        apps.push(app);
        return app;
      });
    broker = await start('broker', ['broker', 'recorder']);
    await start('adapters', ['adapters']);
  });
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await registry.close();
  });

  it('is answered through the adapter process as soon as it has joined the new topic', async () => {
    expect((await broker.call('POST', '/v1/agencies', { headers: WG, body: { id: 'national-cadastre', name: { fa: 'کاداستر', en: 'Cadastre' }, roles: ['provider'] } })).status).toBe(201);
    const key = await broker.call('POST', '/v1/agencies/national-cadastre/keys', { headers: WG, body: {} });
    const custodian = { authorization: `Bearer ${key.json.key}` };
    expect((await broker.call('PUT', '/v1/registries/cadastre', { headers: WG, body: { custodian: 'national-cadastre', title: { fa: 'کاداستر', en: 'Cadastre' }, description: { fa: 'قطعات', en: 'Parcels' } } })).status).toBe(200);
    const published = await broker.call('PUT', '/v1/services/cadastre/parcel/versions/1.0.0', {
      headers: custodian,
      body: {
        title: { fa: 'قطعه', en: 'Parcel' },
        description: { fa: 'قطعه زمین', en: 'A land parcel' },
        request: objectSchema({ parcelId: { type: 'string' } }, { parcelId: 'P-17' }),
        response: objectSchema({ parcelId: { type: 'string' }, areaSquareMetres: { type: 'number' } }, { parcelId: 'P-17', areaSquareMetres: 250.5 }),
        timeoutMs: 3000,
        loa: null,
        hours: '24x7',
        dataProtectionStatement: 'https://cadastre.example/privacy',
        binding: { kind: 'http', method: 'GET', url: `${registryUrl}/parcels/{parcelId}`, response: { parcelId: '/parcel_no', areaSquareMetres: '/area_m2' } },
      },
    });
    expect(published.status).toBe(201);
    const asked = registry.received.length;
    // The demo agency is covered for every published service in development.
    const answered = await eventually(
      () => broker.inquire('cadastre', 'parcel', { parcelId: 'P-18' }, { authorization: 'Bearer demo-key', 'x-purpose': 'demo' }),
      (r) => r.status === 200,
      60_000,
    );
    expect([answered.status, answered.json]).toEqual([200, { parcelId: 'P-18', areaSquareMetres: 12000 }]);
    expect(answered.headers['x-service-version']).toBe('1.0.0');
    expect(registry.received.slice(asked).some((r) => r.target === '/parcels/P-18')).toBe(true);
  });
});
