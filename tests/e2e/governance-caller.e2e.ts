import { startTestApp, type TestApp } from '../support/test-app';

const WG = { authorization: 'Bearer demo-wg-key' };

describe('GET /v1/agencies/me', () => {
  let nix: TestApp;

  beforeAll(async () => {
    nix = await startTestApp();
  });
  afterAll(async () => {
    await nix?.close();
  });

  it('names the agency of a contracts key and of a key issued through the API, with its roles', async () => {
    const wg = await nix.call('GET', '/v1/agencies/me', { headers: WG });
    expect(wg.status).toBe(200);
    expect(wg.json).toEqual({ id: 'demo-working-group', name: { fa: expect.any(String), en: expect.any(String) }, roles: ['working-group'] });
    expect(wg.headers['cache-control']).toBe('no-store');

    const issued = await nix.call('POST', '/v1/agencies/civil-registration/keys', { headers: WG, body: {} });
    expect(issued.status).toBe(201);
    const custodian = await nix.call('GET', '/v1/agencies/me', { headers: { authorization: `Bearer ${issued.json.key}` } });
    expect(custodian.status).toBe(200);
    expect(custodian.json.id).toBe('civil-registration');
    expect(custodian.json.roles).toContain('provider');
    expect(custodian.json.name.en).not.toBe('civil-registration');
  });

  it('answers 401 problem+json without a key', async () => {
    const response = await nix.call('GET', '/v1/agencies/me');
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  });
});
