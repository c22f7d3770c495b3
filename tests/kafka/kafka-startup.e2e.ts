import { TrafficRepository } from '@nix/ledger';
import { canRunLocalKafka, startDedicatedKafka } from '../support/kafka';
import { describeWithKafka, kafkaEnv, uniquePrefix } from '../support/kafka-env';
import { eventually, settled } from '../support/polling';
import { freshDatabase } from '../support/postgres';
import { startTestApp, type TestApp } from '../support/test-app';

const ADDRESS = { postalCode: '1193653471' };

// Generous: Kafka starts twice, and three processes wait for it.
jest.setTimeout(300_000);

(canRunLocalKafka() ? describeWithKafka : describe.skip)('processes started while Kafka is down', () => {
  const prefix = uniquePrefix('nixtest-kafka-later');
  let kafka: Awaited<ReturnType<typeof startDedicatedKafka>>;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    kafka = await startDedicatedKafka();
    await kafka.local.stop();
  });
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await kafka?.destroy();
  });

  it('start anyway, report not ready until Kafka is back, then join and serve without a restart', async () => {
    const env = { DATABASE_URL: await freshDatabase() };
    const adapter = await startTestApp({ ...env, ...kafkaEnv(prefix, `${prefix}-adapter`, kafka.brokers) }, { roles: ['adapters'], registries: ['address'] });
    apps.push(adapter);
    const recorder = await startTestApp({ ...env, ...kafkaEnv(prefix, `${prefix}-recorder`, kafka.brokers) }, { roles: ['recorder'] });
    apps.push(recorder);
    const broker = await startTestApp({ ...env, ...kafkaEnv(prefix, `${prefix}-broker`, kafka.brokers) }, { roles: ['broker'] });
    apps.push(broker);

    const adapterReady = await adapter.call('GET', '/health/ready');
    expect(adapterReady.status).toBe(503);
    expect(adapterReady.json.details.adapterConsumers.status).toBe('down');
    const recorderReady = await recorder.call('GET', '/health/ready');
    expect(recorderReady.status).toBe(503);
    expect(recorderReady.json.details.recorderConsumer.status).toBe('down');
    expect((await broker.call('GET', '/health/ready')).status).toBe(503);
    const refused = await broker.inquire('address', 'postal-code', ADDRESS);
    expect(refused.status).toBe(503);
    expect(refused.json.type).toBe('/problems/registry-unavailable');

    // Still trying a while later: nothing gave up.
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect((await adapter.call('GET', '/health/ready')).status).toBe(503);

    await kafka.local.restart();
    for (const app of [adapter, recorder, broker]) {
      const ready = await eventually(() => app.call('GET', '/health/ready'), (r) => r.status === 200, 120_000);
      expect(ready.status).toBe(200);
    }
    const answered = await eventually(() => broker.inquire('address', 'postal-code', ADDRESS), (r) => r.status === 200, 60_000);
    expect(answered.status).toBe(200);

    // The recorder writes what the broker handed to Kafka: every exchange, the refused one included.
    const sent = 1 + 1;
    await broker.flushLedger();
    const repository = recorder.app.get(TrafficRepository);
    await eventually(() => repository.count(), (n) => n >= sent, 90_000);
    const count = await settled(() => repository.count());
    expect(count).toBeGreaterThanOrEqual(sent);
    const [ok] = await repository.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM traffic_record WHERE outcome = 'ok'`);
    expect(ok.n).toBe(1);
  });
});
