import { SampleRegistry } from '@nix/registries';
import { TrafficRepository } from '@nix/ledger';
import { describeWithKafka, kafkaEnv, uniquePrefix } from '../support/kafka-env';
import { freshDatabase } from '../support/postgres';
import { startTestApp, type TestApp } from '../support/test-app';
import { eventually, settled } from '../support/polling';

describeWithKafka('two brokers and two adapters sharing one Kafka', () => {
  const prefix = uniquePrefix('nixtest-scale');
  const apps: TestApp[] = [];
  let brokers: TestApp[];
  let recorder: TestApp;

  beforeAll(async () => {
    const database = await freshDatabase();
    const start = (id: string, roles: ('broker' | 'adapters' | 'recorder')[]) =>
      startTestApp({ ...kafkaEnv(prefix, `${prefix}-${id}`), DATABASE_URL: database }, { roles }).then((app) => {
        apps.push(app);
        return app;
      });
    await start('adapter-1', ['adapters']);
    await start('adapter-2', ['adapters']);
    brokers = [await start('broker-1', ['broker']), await start('broker-2', ['broker'])];
    recorder = await start('recorder', ['recorder']);
    // Both adapters must hold partitions of the identity topic before the load starts.
    for (const broker of brokers) {
      await eventually(
        () => broker.inquire('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21' }).then((r) => r.status),
        (status) => status === 200,
        60_000,
      );
    }
  });
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
  });

  it('answers 1,000 concurrent inquiries, each to its own caller: none lost, none misrouted, load shared', async () => {
    const persons = SampleRegistry.default().dataset.persons.slice(0, 1000);
    const results = await Promise.all(
      persons.map((person, i) =>
        brokers[i % 2].inquire('identity', 'person', { nationalId: person.nationalId, birthDate: person.birthDate }).then((response) => ({ person, response })),
      ),
    );
    const lost = results.filter((r) => r.response.status !== 200);
    expect(lost.map((r) => r.response.status)).toEqual([]);
    const misrouted = results.filter((r) => r.response.json.firstName !== r.person.firstName || r.response.json.lastName !== r.person.lastName || r.response.json.birthDate !== r.person.birthDate);
    expect(misrouted).toHaveLength(0);

    const repository = recorder.app.get(TrafficRepository);
    await Promise.all(brokers.map((b) => b.flushLedger()));
    await eventually(() => repository.count(), (n) => n >= 1002, 60_000);
    expect(await settled(() => repository.count())).toBe(1002);
    const byInstance = await repository.sql.query<{ broker: string; adapter: string; n: number }>(
      `SELECT broker_instance AS broker, adapter_instance AS adapter, count(*)::int AS n FROM traffic_record
       WHERE outcome = 'ok' GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const adapters = new Set(byInstance.map((r) => r.adapter));
    const brokerIds = new Set(byInstance.map((r) => r.broker));
    expect([...adapters].sort()).toEqual([`${prefix}-adapter-1`, `${prefix}-adapter-2`]);
    expect([...brokerIds].sort()).toEqual([`${prefix}-broker-1`, `${prefix}-broker-2`]);
    for (const adapter of adapters) {
      const handled = byInstance.filter((r) => r.adapter === adapter).reduce((sum, r) => sum + r.n, 0);
      expect(handled).toBeGreaterThan(100);
    }
  });
});
