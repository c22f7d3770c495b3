import { startTestApp, type TestApp } from '../support/test-app';

describe('the service catalogue and API documentation', () => {
  let nix: TestApp;

  beforeAll(async () => {
    nix = await startTestApp();
  });
  afterAll(() => nix.close());

  it('lists every service without a key, with version, custodian, both languages, both schemas and examples', async () => {
    const response = await nix.call('GET', '/v1/services');
    expect(response.status).toBe(200);
    const services = response.json.services.map((s: { registry: string; service: string }) => `${s.registry}/${s.service}`);
    expect(services.sort()).toEqual(['address/postal-code', 'goods/goods', 'identity/person', 'identity/person-verification', 'legal-entity/company', 'vehicle/vehicle']);
    for (const entry of response.json.services) {
      expect(entry.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(entry.custodian.name.fa.length).toBeGreaterThan(0);
      expect(entry.custodian.name.en.length).toBeGreaterThan(0);
      expect(entry.description.fa).toMatch(/[\u0600-\u06FF]/);
      expect(entry.description.en).toMatch(/[a-z]/);
      expect(entry.requestSchema.type).toBe('object');
      expect(entry.responseSchema.properties).toBeDefined();
      expect(entry.examples).toEqual(entry.requestSchema.examples);
    }
  });

  it('describes one service, and answers 404 problem+json for an unknown one', async () => {
    const one = await nix.call('GET', '/v1/services/identity/person');
    expect(one.json).toMatchObject({ registry: 'identity', service: 'person', custodian: { id: 'civil-registration' }, href: '/v1/inquiries/identity/person' });
    expect(one.json.dataItems).toContain('deathDate');
    const unknown = await nix.call('GET', '/v1/services/identity/nothing');
    expect(unknown.status).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('serves each schema at its $id', async () => {
    const response = await nix.call('GET', '/schemas/vehicle/vehicle.request.json');
    expect(response.status).toBe(200);
    expect(response.json.$id).toBe('/schemas/vehicle/vehicle.request.json');
  });

  it('publishes OpenAPI 3.1 built from the same schemas, and the docs page', async () => {
    const document = await nix.call('GET', '/docs/openapi.json');
    expect(document.status).toBe(200);
    expect(document.json.openapi).toBe('3.1.0');
    const person = document.json.paths['/v1/inquiries/identity/person'].post;
    expect(person.requestBody.content['application/json'].schema.properties.nationalId.format).toBe('ir-national-id');
    expect(Object.keys(person.requestBody.content['application/json'].examples)).toHaveLength(2);
    expect(Object.keys(document.json.paths).filter((p) => p.startsWith('/v1/inquiries/'))).toHaveLength(6);
    expect(Object.keys(document.json.paths)).toEqual(expect.arrayContaining(['/v1/reports/usage', '/v1/reports/service-levels', '/v1/reports/compliance']));
    expect(document.json.paths['/v1/reports/usage'].get.parameters.map((p: { name: string }) => p.name)).toContain('groupBy');
    const page = await nix.call('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger');
  });

  it('documents every problem type at its URI', async () => {
    const response = await nix.call('GET', '/problems/quota-exceeded');
    expect(response.json).toEqual({ type: '/problems/quota-exceeded', title: expect.any(String), status: 429, outcome: 'over-quota' });
  });
});
