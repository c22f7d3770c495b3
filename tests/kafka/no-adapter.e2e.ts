import { TrafficRepository } from '@nix/ledger';
import { schemasWithTimeouts } from '../support/fixtures';
import { describeWithKafka, kafkaEnv, uniquePrefix } from '../support/kafka-env';
import { eventually, settled } from '../support/polling';
import { freshDatabase } from '../support/postgres';
import { startTestApp, type TestApp } from '../support/test-app';

const ADDRESS = { postalCode: '1193653471' };
/** Long, so that an answer that waited for it cannot pass for one given at once. */
const DEADLINE_MS = 20_000;

describeWithKafka('a registry that no adapter serves, over Kafka', () => {
  const prefix = uniquePrefix('nixtest-no-adapter');
  let broker: TestApp;
  let adapter: TestApp | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    env = { NIX_SCHEMAS_DIR: schemasWithTimeouts({ 'address/postal-code': DEADLINE_MS }), DATABASE_URL: await freshDatabase() };
    broker = await startTestApp({ ...env, ...kafkaEnv(prefix, `${prefix}-broker`) }, { roles: ['broker', 'recorder'] });
    await eventually(() => broker.call('GET', '/health/ready'), (r) => r.status === 200, 60_000);
  });
  afterAll(async () => {
    await adapter?.close();
    await broker?.close();
  });

  it('answers 503 no-adapter with Retry-After at once, not after the deadline, and records the exchange', async () => {
    const ready = await broker.call('GET', '/health/ready');
    expect(ready.json.details.adapters.noAdapter).toContain('address');

    const repository = broker.app.get(TrafficRepository);
    const answers = [];
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      const response = await broker.inquire('address', 'postal-code', ADDRESS);
      answers.push({ response, ms: Date.now() - started });
    }
    for (const { response, ms } of answers) {
      expect(response.status).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json.type).toBe('/problems/no-adapter');
      expect(response.json.exchangeId).toBe(response.headers['x-exchange-id']);
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      // Well under the deadline, however busy the machine: the inquiry was never sent.
      expect(ms).toBeLessThan(DEADLINE_MS / 2);
    }
    const problem = await broker.call('GET', '/problems/no-adapter');
    expect(problem.status).toBe(200);

    await broker.flushLedger();
    await eventually(() => repository.count(), (n) => n >= answers.length, 60_000);
    const rows = await repository.sql.query<{ exchange_id: string; outcome: string; problem_type: string; http_status: number }>(
      `SELECT exchange_id::text, outcome, problem_type, http_status FROM traffic_record ORDER BY exchange_id`,
    );
    expect(rows.map((r) => r.exchange_id).sort()).toEqual(answers.map((a) => a.response.headers['x-exchange-id']).sort());
    for (const row of rows) {
      expect(row).toMatchObject({ outcome: 'unavailable', problem_type: 'no-adapter', http_status: 503 });
    }
  });

  it('serves the first inquiry once an adapter has joined, with no refusal on an older view', async () => {
    adapter = await startTestApp({ ...env, ...kafkaEnv(prefix, `${prefix}-adapter`) }, { roles: ['adapters'], registries: ['address'] });
    // startTestApp returns once the adapter's consumer is in its group.
    const first = await broker.inquire('address', 'postal-code', ADDRESS);
    expect(first.status).toBe(200);

    // The vehicle registry still has none.
    const vehicle = await broker.inquire('vehicle', 'vehicle', { vin: 'NAAM11CA3EK123456', ownerNationalId: '0067749828' });
    expect(vehicle.status).toBe(503);
    expect(vehicle.json.type).toBe('/problems/no-adapter');

    await broker.flushLedger();
    const repository = broker.app.get(TrafficRepository);
    expect(await settled(() => repository.count())).toBe(7);
  });
});
