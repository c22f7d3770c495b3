import { startLocalPostgres, type LocalPostgres } from '../support/local-postgres';
import { describeWithPostgres } from '../support/postgres';
import { eventually } from '../support/polling';
import { DEMO_HEADERS, startTestApp, type TestApp } from '../support/test-app';

const PERSON = { nationalId: '0067749828', birthDate: '1988-03-21' };

/** A broker that starts while PostgreSQL is down serves once it comes up, with contracts/ and schemas/ imported then. */
describeWithPostgres('a store that is down when the broker starts', () => {
  let postgres: LocalPostgres;
  let nix: TestApp;

  beforeAll(async () => {
    postgres = await startLocalPostgres();
    await postgres.stop();
    nix = await startTestApp({ DATABASE_URL: postgres.url, NIX_GOVERNANCE_POLL_MS: '200' });
  });
  afterAll(async () => {
    await nix?.close();
    await postgres?.destroy();
  });

  it('answers 503 governance-unavailable at once, then, once the store is up, imports the bootstrap and answers', async () => {
    const early = await nix.inquire('identity', 'person', PERSON, DEMO_HEADERS);
    expect([early.status, early.json.type, early.headers['retry-after']]).toEqual([503, '/problems/governance-unavailable', '1']);
    await postgres.start();
    const answered = await eventually(() => nix.inquire('identity', 'person', PERSON, DEMO_HEADERS), (r) => r.status === 200, 60_000);
    expect(answered.status).toBe(200);
    const services = await nix.call('GET', '/v1/services');
    expect(services.json.services).toHaveLength(6);
    const agreements = await nix.call('GET', '/v1/agreements', { headers: { authorization: 'Bearer demo-wg-key' } });
    expect(agreements.json.agreements.length).toBeGreaterThan(6);
  }, 120_000);
});
