import { TrafficRepository } from '@nix/ledger';
import { schemasWithTimeouts } from '../support/fixtures';
import { canRunLocalKafka, startDedicatedKafka } from '../support/kafka';
import { describeWithKafka, kafkaEnv, uniquePrefix } from '../support/kafka-env';
import { startLocalPostgres, type LocalPostgres } from '../support/local-postgres';
import { eventually, settled } from '../support/polling';
import { freshDatabase } from '../support/postgres';
import { startTestApp, type TestApp, type TestResponse } from '../support/test-app';

const ADDRESS = { postalCode: '1193653471' };
const DEADLINE_MS = 1000;
const schemas = () => schemasWithTimeouts({ 'address/postal-code': DEADLINE_MS, 'identity/person': DEADLINE_MS });

async function timed(call: () => Promise<TestResponse>): Promise<{ status: number; ms: number; response: TestResponse }> {
  const started = Date.now();
  const response = await call();
  return { status: response.status, ms: Date.now() - started, response };
}

describeWithKafka('an adapter that stops and comes back', () => {
  const prefix = uniquePrefix('nixtest-adapter-fault');
  let broker: TestApp;
  let adapter: TestApp;
  let env: Record<string, string>;

  beforeAll(async () => {
    env = { NIX_SCHEMAS_DIR: schemas(), DATABASE_URL: await freshDatabase() };
    adapter = await startTestApp({ ...env, ...kafkaEnv(prefix, `${prefix}-adapter`) }, { roles: ['adapters'], registries: ['address'] });
    broker = await startTestApp({ ...env, ...kafkaEnv(prefix, `${prefix}-broker`) }, { roles: ['broker', 'recorder'] });
    await eventually(() => broker.inquire('address', 'postal-code', ADDRESS).then((r) => r.status), (s) => s === 200, 60_000);
  });
  afterAll(async () => {
    await broker?.close();
    await adapter?.close();
  });

  it('answers 503 or 504 within the deadline when its adapter is killed mid-load, recovers when one starts, and loses no traffic record', async () => {
    const repository = broker.app.get(TrafficRepository);
    await broker.flushLedger();
    const before = await settled(() => repository.count());
    let sent = 0;
    const ask = () => {
      sent++;
      return timed(() => broker.inquire('address', 'postal-code', ADDRESS));
    };
    // Load in flight while the adapter goes away.
    const load = Promise.all(Array.from({ length: 60 }, (_, i) => new Promise((resolve) => setTimeout(resolve, i * 10)).then(ask)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await adapter.close();
    const duringLoad = await load;
    expect(duringLoad.some((a) => a.status === 200)).toBe(true);
    for (const answer of duringLoad) {
      expect([200, 503, 504]).toContain(answer.status);
      expect(answer.ms).toBeLessThan(DEADLINE_MS + 500);
    }
    const during = [];
    for (let i = 0; i < 6; i++) during.push(await ask());
    for (const answer of during) {
      expect([503, 504]).toContain(answer.status);
      expect(answer.ms).toBeLessThan(DEADLINE_MS + 500);
      expect(answer.response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    // Once the broker's look at the adapters' consumer group finds nobody, it refuses at once (503 no-adapter):
    // how soon depends on the machine's load, so it is awaited, not assumed of the first inquiries.
    const refused = await eventually(ask, (a) => a.response.json?.type === '/problems/no-adapter', 60_000);
    expect(refused.status).toBe(503);
    expect(refused.response.headers['retry-after']).toBeDefined();
    expect(refused.ms).toBeLessThan(DEADLINE_MS + 500);
    adapter = await startTestApp({ ...env, ...kafkaEnv(prefix, `${prefix}-adapter`) }, { roles: ['adapters'], registries: ['address'] });
    const recovered = await eventually(() => ask().then((r) => r.status), (s) => s === 200, 60_000);
    expect(recovered).toBe(200);
    await broker.flushLedger();
    await eventually(() => repository.count(), (n) => n >= before + sent, 60_000);
    expect(await settled(() => repository.count())).toBe(before + sent);
    const [byOutcome] = await repository.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM traffic_record WHERE outcome IN ('ok', 'timeout', 'unavailable')`);
    expect(byOutcome.n).toBe(await repository.count());
    // Inquiries that waited in the topic (504) were past their deadline: the new adapter dropped them, and said so.
    // Those sent once the broker saw no adapter were refused at once (503 no-adapter) and never sent.
    if ([...duringLoad, ...during].some((a) => a.status === 504)) {
      const metrics = await adapter.scrapeMetrics();
      expect(metrics).toMatch(/nix_adapter_expired_inquiries_total\{[^}]*registry="address"[^}]*\} [1-9]/);
    }
  });
});

(canRunLocalKafka() ? describeWithKafka : describe.skip)('Kafka that stops and comes back', () => {
  const prefix = uniquePrefix('nixtest-kafka-fault');
  let kafka: Awaited<ReturnType<typeof startDedicatedKafka>>;
  let nix: TestApp;

  beforeAll(async () => {
    kafka = await startDedicatedKafka();
    nix = await startTestApp({ NIX_SCHEMAS_DIR: schemas(), DATABASE_URL: await freshDatabase(), ...kafkaEnv(prefix, `${prefix}-all`, kafka.brokers) });
    await eventually(() => nix.inquire('address', 'postal-code', ADDRESS).then((r) => r.status), (s) => s === 200, 60_000);
  });
  afterAll(async () => {
    await nix?.close();
    await kafka?.destroy();
  });

  it('answers clear 503s while Kafka is down, recovers by itself afterwards, and loses no traffic record', async () => {
    let sent = 1;
    await kafka.local.stop();
    const during = [];
    for (let i = 0; i < 10; i++) {
      during.push(await timed(() => nix.inquire('address', 'postal-code', ADDRESS)));
      sent++;
    }
    for (const answer of during) {
      expect([503, 504]).toContain(answer.status);
      expect(answer.ms).toBeLessThan(DEADLINE_MS + 500);
    }
    // Once the broker knows Kafka is away it says so at once.
    const last = during[during.length - 1];
    expect(last.status).toBe(503);
    expect(last.ms).toBeLessThan(200);
    expect(last.response.json.type).toBe('/problems/registry-unavailable');
    expect(last.response.headers['retry-after']).toBeDefined();

    await kafka.local.restart();
    const recovered = await eventually(
      async () => {
        sent++;
        return (await nix.inquire('address', 'postal-code', ADDRESS)).status;
      },
      (s) => s === 200,
      90_000,
    );
    expect(recovered).toBe(200);

    const repository = nix.app.get(TrafficRepository);
    await nix.flushLedger();
    await eventually(() => repository.count(), (n) => n >= sent, 90_000);
    expect(await settled(() => repository.count())).toBe(sent);
  });
});

describeWithKafka('PostgreSQL that stops during traffic, in Kafka mode', () => {
  const prefix = uniquePrefix('nixtest-pg-fault');
  let postgres: LocalPostgres;
  let nix: TestApp;

  beforeAll(async () => {
    postgres = await startLocalPostgres();
    nix = await startTestApp({ DATABASE_URL: postgres.url, ...kafkaEnv(prefix, `${prefix}-all`) });
    await eventually(() => nix.inquire('address', 'postal-code', ADDRESS).then((r) => r.status), (s) => s === 200, 60_000);
  });
  afterAll(async () => {
    await nix?.close();
    await postgres?.destroy();
  });

  it('keeps answering, and loses no traffic record: they wait in Kafka until the database is back', async () => {
    const repository = nix.app.get(TrafficRepository);
    await nix.flushLedger();
    await eventually(() => repository.count(), (n) => n >= 1, 30_000);
    const before = await settled(() => repository.count());
    await postgres.stop();
    const during = await Promise.all(Array.from({ length: 50 }, () => nix.inquire('address', 'postal-code', ADDRESS)));
    expect(during.map((r) => r.status)).toEqual(Array(50).fill(200));
    await nix.flushLedger().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await postgres.start();
    await eventually(() => repository.count(), (n) => n >= before + 50, 90_000);
    expect(await settled(() => repository.count())).toBe(before + 50);
  });
});
