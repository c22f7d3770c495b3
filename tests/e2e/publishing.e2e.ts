import { ParcelRegistryServer } from '@nix/registries/testing';
import { parcelVersion } from '../support/parcel-publishing';
import { MovableClock, startTestApp, type TestApp, type TestResponse } from '../support/test-app';

const WG = { authorization: 'Bearer demo-wg-key' };
const DAY_MS = 86_400_000;

function expectStatus(response: TestResponse, status: number): void {
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${response.text.slice(0, 600)}`);
}


describe("issue 12's done-when: a registry published over HTTP, versioned, deprecated, retired and in maintenance, with no restart", () => {
  const registry = new ParcelRegistryServer();
  const clock = new MovableClock();
  let registryUrl: string;
  let nix: TestApp;
  let custodian: Record<string, string>;
  let consumer: Record<string, string>;

  beforeAll(async () => {
    registryUrl = await registry.listen();
    nix = await startTestApp({}, { clock });
  });
  afterAll(async () => {
    await nix?.close();
    await registry.close();
  });

  const inquire = (headers: Record<string, string> = {}, parcelId = 'P-17') =>
    nix.inquire('cadastre', 'parcel', { parcelId }, { ...consumer, 'x-purpose': 'property-tax', ...headers });

  it('1-2. the working group registers the registry cadastre with its custodian, and issues the custodian a key', async () => {
    expectStatus(await nix.call('POST', '/v1/agencies', { headers: WG, body: { id: 'national-cadastre', name: { fa: 'سازمان ثبت اسناد - کاداستر', en: 'National cadastre' }, roles: ['provider'] } }), 201);
    const key = await nix.call('POST', '/v1/agencies/national-cadastre/keys', { headers: WG, body: {} });
    expectStatus(key, 201);
    custodian = { authorization: `Bearer ${key.json.key}` };
    const registered = await nix.call('PUT', '/v1/registries/cadastre', {
      headers: WG,
      body: { custodian: 'national-cadastre', title: { fa: 'کاداستر', en: 'Cadastre' }, description: { fa: 'قطعات زمین', en: 'Land parcels' } },
    });
    expectStatus(registered, 200);
    // Only the working group registers registries.
    expect((await nix.call('PUT', '/v1/registries/cadastre2', { headers: custodian, body: { custodian: 'national-cadastre', title: { fa: 'x', en: 'x' }, description: { fa: 'x', en: 'x' } } })).status).toBe(403);
  });

  it('refuses what cannot be published, naming why, and leaves nothing half-published', async () => {
    const publish = (version: string, body: unknown, headers = custodian) => nix.call('PUT', `/v1/services/cadastre/parcel/versions/${version}`, { headers, body });
    const failing = await publish('1.0.0', parcelVersion(registryUrl, { request: { ...parcelVersion(registryUrl).request, examples: [{ parcelId: 'P-404' }] } }));
    expectStatus(failing, 400);
    expect(failing.json.errors).toEqual([expect.objectContaining({ pointer: '/request/examples/0', detail: expect.stringMatching(/404/) })]);
    const lacking = await publish('1.0.0', parcelVersion(registryUrl, { binding: { ...parcelVersion(registryUrl).binding, url: `${registryUrl}/parcels/{parcelNo}` } }));
    expectStatus(lacking, 400);
    expect(lacking.json.errors).toEqual([expect.objectContaining({ pointer: '/binding/url', detail: expect.stringContaining('parcelNo') })]);
    const badSchema = await publish('1.0.0', parcelVersion(registryUrl, { response: { type: 'objekt' } }));
    expectStatus(badSchema, 400);
    const civil = await nix.call('POST', '/v1/agencies/civil-registration/keys', { headers: WG, body: {} });
    expectStatus(await publish('1.0.0', parcelVersion(registryUrl), { authorization: `Bearer ${civil.json.key}` }), 403);
    const services = await nix.call('GET', '/v1/services');
    expect(services.json.services.map((s: { registry: string }) => s.registry)).not.toContain('cadastre');
  });

  it('3-4. the custodian publishes cadastre/parcel 1.0.0 with an http binding, and GET /v1/services lists it at once', async () => {
    const published = await nix.call('PUT', '/v1/services/cadastre/parcel/versions/1.0.0', { headers: custodian, body: parcelVersion(registryUrl) });
    expectStatus(published, 201);
    const services = await nix.call('GET', '/v1/services');
    expect(services.json.services).toEqual(expect.arrayContaining([expect.objectContaining({ registry: 'cadastre', service: 'parcel', version: '1.0.0', dataItems: ['parcelId', 'areaSquareMetres', 'landUse', 'county'] })]));
    const openapi = await nix.call('GET', '/docs/openapi.json');
    expect(Object.keys(openapi.json.paths)).toContain('/v1/inquiries/cadastre/parcel');
    const schema = await nix.call('GET', '/schemas/cadastre/parcel.request.json');
    expect([schema.status, schema.json.required]).toEqual([200, ['parcelId']]);
    // Published versions go forward only.
    expectStatus(await nix.call('PUT', '/v1/services/cadastre/parcel/versions/0.9.0', { headers: custodian, body: parcelVersion(registryUrl) }), 400);
  });

  it("5. a consumer with an agreement gets NIX's published shape, mapped from the registry's own fields", async () => {
    expectStatus(await nix.call('POST', '/v1/agencies', { headers: WG, body: { id: 'land-tax-office', name: { fa: 'اداره مالیات املاک', en: 'Land tax office' }, roles: ['consumer'] } }), 201);
    const key = await nix.call('POST', '/v1/agencies/land-tax-office/keys', { headers: WG, body: {} });
    consumer = { authorization: `Bearer ${key.json.key}` };
    const agreement = await nix.call('POST', '/v1/agreements', {
      headers: WG,
      body: { consumer: 'land-tax-office', registry: 'cadastre', service: 'parcel', dataItems: ['parcelId', 'areaSquareMetres'], purposes: ['property-tax'], dailyQuota: 100, validFrom: '2026-01-01', validUntil: '2030-12-31', resolution: 'WG-1405-100' },
    });
    expectStatus(agreement, 201);
    const asked = registry.received.length;
    const answered = await inquire({ 'x-tracking-code': 'LAND-TAX-1405-7' });
    expectStatus(answered, 200);
    expect(answered.json).toEqual({ parcelId: 'P-17', areaSquareMetres: 250.5 });
    expect(answered.headers['x-service-version']).toBe('1.0.0');
    // R9: the registry's API receives the exchange and the consumer's tracking code through the binding.
    expect(registry.received.slice(asked).map((r) => [r.headers['x-nix-exchange-id'], r.headers['x-nix-tracking-code']])).toEqual([[answered.headers['x-exchange-id'], 'LAND-TAX-1405-7']]);
    expect(answered.headers.deprecation).toBeUndefined();
    expect((await inquire({}, 'P-99')).json.type).toBe('/problems/record-not-found');
    // R13: an identity answer states its level of assurance; the parcel service answers no identity check.
    expect(answered.headers['x-level-of-assurance']).toBeUndefined();
    const person = await nix.inquire('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21' }, { authorization: 'Bearer demo-key', 'x-purpose': 'demo' });
    expect([person.status, person.headers['x-level-of-assurance'], person.headers['x-service-version']]).toEqual([200, 'substantial', '1.0.0']);
    // In development the demo agency is covered for every published service, as for schemas/.
    const demo = await nix.inquire('cadastre', 'parcel', { parcelId: 'P-17' }, { authorization: 'Bearer demo-key', 'x-purpose': 'demo' });
    expectStatus(demo, 200);
    expect(demo.json).toEqual({ parcelId: 'P-17', areaSquareMetres: 250.5, landUse: 'residential', county: 'Shemiranat' });
  });

  it('6. 2.0.0 is published and 1.0.0 deprecated with a sunset: 1.x answers carry Deprecation and Sunset, and after the sunset 1.x gets 410', async () => {
    const second = parcelVersion(registryUrl, { description: { fa: 'نسخه دوم', en: 'Second version, with the county' } });
    expectStatus(await nix.call('PUT', '/v1/services/cadastre/parcel/versions/2.0.0', { headers: custodian, body: second }), 201);
    const sunset = new Date(Date.now() + 2 * DAY_MS).toISOString();
    const deprecated = await nix.call('POST', '/v1/services/cadastre/parcel/versions/1.0.0/deprecation', { headers: custodian, body: { sunset, successor: '2.0.0' } });
    expectStatus(deprecated, 200);

    const answered = await inquire();
    expectStatus(answered, 200);
    expect(answered.headers['x-service-version']).toBe('1.0.0');
    expect(answered.headers.deprecation).toMatch(/^@\d+$/);
    expect(new Date(answered.headers.sunset).toISOString()).toBe(new Date(sunset).toISOString().replace(/\.\d{3}Z$/, '.000Z'));
    expect(answered.headers.link).toContain('2.0.0');
    // Major 2 is not what the consumer's agreement covers.
    const notAgreed = await inquire({ 'x-service-version': '2' });
    expectStatus(notAgreed, 403);
    expect(notAgreed.json.type).toBe('/problems/version-not-agreed');
    expect(notAgreed.json.detail).toContain('major 2');

    clock.offsetMs = 3 * DAY_MS;
    const retired = await inquire();
    expectStatus(retired, 410);
    expect(retired.json.type).toBe('/problems/service-retired');
    expect(retired.json.detail).toContain('2.0.0');
    clock.offsetMs = 0;
  });

  it("agreements cover a major: with majors 1 and 2 a consumer gets the newest, or 1.x when it asks, each under that major's agreement", async () => {
    expectStatus(await nix.call('POST', '/v1/agencies', { headers: WG, body: { id: 'land-survey', name: { fa: 'سازمان نقشه‌برداری', en: 'Land survey' }, roles: ['consumer'] } }), 201);
    const key = await nix.call('POST', '/v1/agencies/land-survey/keys', { headers: WG, body: {} });
    const surveyor = { authorization: `Bearer ${key.json.key}`, 'x-purpose': 'survey' };
    const terms = { consumer: 'land-survey', registry: 'cadastre', service: 'parcel', purposes: ['survey'], validFrom: '2026-01-01', validUntil: '2030-12-31' };
    // A major with no published version is refused, naming the major; nothing is created.
    const third = await nix.call('POST', '/v1/agreements', { headers: WG, body: { ...terms, major: 3, dataItems: ['parcelId'], dailyQuota: 10, resolution: 'WG-1405-102' } });
    expectStatus(third, 400);
    expect(third.json.errors).toEqual([expect.objectContaining({ pointer: '/major' })]);
    const first = await nix.call('POST', '/v1/agreements', { headers: WG, body: { ...terms, dataItems: ['parcelId', 'areaSquareMetres'], dailyQuota: 40, resolution: 'WG-1405-103' } });
    expectStatus(first, 201);
    const second = await nix.call('POST', '/v1/agreements', { headers: WG, body: { ...terms, major: 2, dataItems: ['parcelId', 'county'], dailyQuota: 70, resolution: 'WG-1405-104' } });
    expectStatus(second, 201);
    const listed = await nix.call('GET', '/v1/agreements', { headers: { authorization: surveyor.authorization } });
    expect(listed.json.agreements.map((a: { id: string; major: number }) => [a.id, a.major])).toEqual(
      expect.arrayContaining([
        [first.json.id, 1],
        [second.json.id, 2],
      ]),
    );
    expect(listed.json.agreements).toHaveLength(2);

    // No header: the newest covered version, under the major-2 agreement (its data items, its quota).
    const newest = await nix.inquire('cadastre', 'parcel', { parcelId: 'P-17' }, surveyor);
    expectStatus(newest, 200);
    expect(newest.headers['x-service-version']).toBe('2.0.0');
    expect(newest.json).toEqual({ parcelId: 'P-17', county: 'Shemiranat' });
    expect(newest.headers['x-quota-limit']).toBe('70');
    // X-Service-Version: 1 gives 1.x, under the major-1 agreement.
    const older = await nix.inquire('cadastre', 'parcel', { parcelId: 'P-17' }, { ...surveyor, 'x-service-version': '1' });
    expectStatus(older, 200);
    expect(older.headers['x-service-version']).toBe('1.0.0');
    expect(older.json).toEqual({ parcelId: 'P-17', areaSquareMetres: 250.5 });
    expect(older.headers['x-quota-limit']).toBe('40');

    // A request names its major too; PATCH keeps it (a new major is a new agreement).
    const request = await nix.call('POST', '/v1/access-requests', {
      headers: { authorization: surveyor.authorization },
      body: { registry: 'cadastre', service: 'parcel', major: 2, dataItems: ['landUse'], purposes: ['survey'], dailyQuota: 5, justification: 'Land use survey' },
    });
    expectStatus(request, 201);
    expect(request.json.major).toBe(2);
    const amended = await nix.call('PATCH', `/v1/agreements/${second.json.id}`, { headers: WG, body: { dailyQuota: 80, resolution: 'WG-1405-105' } });
    expectStatus(amended, 200);
    expect([amended.json.major, amended.json.dailyQuota]).toEqual([2, 80]);
    const patchMajor = await nix.call('PATCH', `/v1/agreements/${second.json.id}`, { headers: WG, body: { major: 1, resolution: 'WG-1405-106' } });
    expectStatus(patchMajor, 400);
  });

  it("lists the registry with its custodian, and the service's versions with their deprecation, to anyone; the binding to its custodian only", async () => {
    const registries = await nix.call('GET', '/v1/registries');
    expectStatus(registries, 200);
    expect(registries.json.registries).toContainEqual({ registry: 'cadastre', custodian: 'national-cadastre', title: { fa: 'کاداستر', en: 'Cadastre' }, description: { fa: 'قطعات زمین', en: 'Land parcels' }, services: ['parcel'] });

    const open = await nix.call('GET', '/v1/services/cadastre/parcel/versions');
    expectStatus(open, 200);
    expect(open.json.versions.map((v: { version: string }) => v.version)).toEqual(['1.0.0', '2.0.0']);
    const [first, second] = open.json.versions;
    expect(first).toMatchObject({ loa: null, hours: parcelVersion(registryUrl).hours, dataProtectionStatement: 'https://cadastre.example/privacy', deprecation: { successor: '2.0.0', sunset: expect.any(String) } });
    expect(first.request.examples).toEqual([{ parcelId: 'P-17' }]);
    expect(second.deprecation).toBeNull();
    expect(first.binding).toBeUndefined();
    expect(open.headers['cache-control']).toBe('no-store');

    const own = await nix.call('GET', '/v1/services/cadastre/parcel/versions', { headers: custodian });
    expect(own.json.versions[1].binding).toEqual(parcelVersion(registryUrl).binding);
    expect((await nix.call('GET', '/v1/services/cadastre/parcel/versions', { headers: consumer })).json.versions[1].binding).toBeUndefined();
    expectStatus(await nix.call('GET', '/v1/services/cadastre/parcel/versions', { headers: { authorization: 'Bearer not-a-key' } }), 401);
    const unknown = await nix.call('GET', '/v1/services/cadastre/plot/versions');
    expectStatus(unknown, 404);
    expect(unknown.json.type).toBe('/problems/unknown-service');
    const openapi = await nix.call('GET', '/docs/openapi.json');
    expect(Object.keys(openapi.json.paths)).toEqual(expect.arrayContaining(['/v1/registries', '/v1/services/{registry}/{service}/versions']));
  });

  it('7. a maintenance window gives 503 maintenance with Retry-After, never reaching the registry, and /v1/status shows it', async () => {
    const window = { from: new Date(Date.now() - 60_000).toISOString(), until: new Date(Date.now() + 3_600_000).toISOString(), note: { fa: 'به‌روزرسانی پایگاه داده', en: 'Database upgrade' } };
    expectStatus(await nix.call('POST', '/v1/services/cadastre/parcel/maintenance', { headers: custodian, body: window }), 201);
    const asked = registry.received.length;
    const refused = await inquire();
    expectStatus(refused, 503);
    expect(refused.json.type).toBe('/problems/maintenance');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3000);
    expect(registry.received.length).toBe(asked);

    const status = await nix.call('GET', '/v1/status');
    expectStatus(status, 200);
    const parcel = status.json.services.find((s: { registry: string; service: string }) => s.registry === 'cadastre' && s.service === 'parcel');
    expect(parcel).toMatchObject({ state: 'maintenance', versions: ['1.0.0', '2.0.0'], upcomingMaintenance: [expect.objectContaining({ note: window.note })] });
  });
});
