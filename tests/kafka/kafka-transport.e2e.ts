import { createKafka, trafficTopicConfig } from '@nix/messaging';
import { TrafficRecorder, TrafficRepository } from '@nix/ledger';
import { createLogger } from '@nix/observability';
import { describeWithKafka, kafkaEnv, uniquePrefix } from '../support/kafka-env';
import { freshDatabase } from '../support/postgres';
import { eventually, settled } from '../support/polling';
import { startFakeRegistries } from '../support/sample-registry';
import { DEMO_HEADERS, startTestApp, type TestApp } from '../support/test-app';
import { SystemClock } from '@nix/platform';

describeWithKafka('NIX over Kafka, in one process', () => {
  let nix: TestApp;
  let registries: Awaited<ReturnType<typeof startFakeRegistries>>;
  const prefix = uniquePrefix('nixtest-transport');

  beforeAll(async () => {
    // The registries behind their own REST API (the same sample data), so that what reaches it over Kafka can be seen.
    registries = await startFakeRegistries();
    nix = await startTestApp({ ...kafkaEnv(prefix, `${prefix}-all`), ...registries.env, DATABASE_URL: await freshDatabase() });
  });
  afterAll(async () => {
    await nix?.close();
    await registries?.close();
  });

  it('answers every catalogued example with 200 over Kafka', async () => {
    const catalog = await nix.call('GET', '/v1/services');
    let answered = 0;
    for (const entry of catalog.json.services) {
      for (const example of entry.examples) {
        const response = await nix.inquire(entry.registry, entry.service, example);
        expect({ service: `${entry.registry}/${entry.service}`, status: response.status }).toEqual({ service: `${entry.registry}/${entry.service}`, status: 200 });
        answered++;
      }
    }
    expect(answered).toBeGreaterThanOrEqual(11);
  });

  it('records exactly one traffic record per exchange through nix.traffic.v1, and a replay of the topic adds none', async () => {
    const repository = nix.app.get(TrafficRepository);
    await nix.flushLedger();
    const before = await settled(() => repository.count());
    const responses = await Promise.all([
      ...Array.from({ length: 20 }, () => nix.inquire('address', 'postal-code', { postalCode: '1193653471' })),
      ...Array.from({ length: 5 }, () => nix.inquire('identity', 'person', { nationalId: '0067749829', birthDate: '1988-03-21' })),
      ...Array.from({ length: 5 }, () => nix.inquire('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21' }, {})),
    ]);
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([200, 400, 401]));
    await nix.flushLedger();
    await eventually(() => repository.count(), (n) => n >= before + 30);
    const after = await settled(() => repository.count());
    expect(after).toBe(before + 30);

    // Replay the whole topic into the same ledger with a fresh consumer group.
    const settings = { ...nix.config.kafka, instanceId: nix.config.instanceId };
    const logger = createLogger({ level: 'silent', instanceId: 'replay' });
    const replay = new TrafficRecorder({
      kafka: createKafka(settings, logger, 'replay'),
      topic: trafficTopicConfig(settings),
      store: repository,
      logger,
      clock: new SystemClock(),
      groupId: `${prefix}.replay`,
    });
    await replay.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 5000));
      expect(await repository.count()).toBe(after);
      const [rollup] = await repository.sql.query<{ n: number }>('SELECT sum(exchanges)::int AS n FROM traffic_hourly');
      expect(rollup.n).toBe(after);
    } finally {
      await replay.stop();
    }
  });

  it("passes the tracking code to the adapter, which sends it and the exchange ID to the registry's API as headers, and echoes it", async () => {
    registries.server.exchanges.length = 0;
    const response = await nix.inquire('goods', 'goods', { gtin: '6260100001237' }, { ...DEMO_HEADERS, 'x-tracking-code': 'KAFKA-42' });
    expect(response.status).toBe(200);
    expect(response.headers['x-tracking-code']).toBe('KAFKA-42');
    expect(registries.server.exchanges).toEqual([{ collection: 'items', exchangeId: response.headers['x-exchange-id'], trackingCode: 'KAFKA-42' }]);
  });
});
