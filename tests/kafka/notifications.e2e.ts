import type { Kafka } from 'kafkajs';
import { NotificationEvents } from '@nix/broker';
import { dayOf } from '@nix/domain';
import type { SqlClient } from '@nix/ledger';
import { findDatabaseLeaks, findLeaks } from '@nix/ledger/testing';
import { createKafka, eventTopicOf, KafkaEventPublisher, PayloadSealer, trafficTopicOf } from '@nix/messaging';
import { NotificationStore, verifyWebhook } from '@nix/notifications';
import { createLogger } from '@nix/observability';
import { LEDGER_STORE } from '@nix/platform';
import { SampleIdentityChanges, SampleRegistry } from '@nix/registries';
import { filesUnder, readTopics } from '../support/haystacks';
import { describeWithKafka, kafkaEnv, uniquePrefix } from '../support/kafka-env';
import { eventually } from '../support/polling';
import { freshDatabase } from '../support/postgres';
import { DEMO_HEADERS, startTestApp, type TestApp } from '../support/test-app';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

describeWithKafka('identity-change notifications over Kafka (issue 14): the identity registry emits, the broker notifies', () => {
  const prefix = uniquePrefix('nixtest-notify');
  let nix: TestApp;
  let store: NotificationStore;
  let kafka: Kafka;
  let publisher: KafkaEventPublisher;
  let changes: SampleIdentityChanges;
  let hook: WebhookReceiver;
  // Persons the identity sample registry holds (past the pinned ones that documentation shows).
  const persons = SampleRegistry.default().dataset.persons.slice(200, 204).map((p) => p.nationalId);
  const subscribed = persons.slice(0, 3);
  const unsubscribed = persons[3];
  const today = dayOf(Date.now()).date;

  beforeAll(async () => {
    hook = await startWebhookReceiver('/hook', 200);
    nix = await startTestApp({ ...kafkaEnv(prefix, `${prefix}-all`), DATABASE_URL: await freshDatabase(), NIX_WEBHOOK_ALLOW_PRIVATE: 'true', NIX_LOG_EXCHANGES: 'true' });
    store = new NotificationStore(nix.app.get<SqlClient>(LEDGER_STORE, { strict: false }));
    await nix.app.get(NotificationEvents, { strict: false }).whenRunning();
    const settings = { ...nix.config.kafka, instanceId: `${prefix}-identity-adapter` };
    kafka = createKafka(settings, createLogger({ level: 'silent', instanceId: 'identity-adapter' }), 'adapter');
    // The custodian's adapter: it holds the payload keys, as adapters do.
    publisher = new KafkaEventPublisher(kafka, settings, new PayloadSealer(nix.config.kafka.payloadKeys), { now: () => Date.now() });
    changes = new SampleIdentityChanges(SampleRegistry.default(), publisher);
  });

  afterAll(async () => {
    await publisher?.close();
    await nix?.close().catch(() => undefined);
    await hook?.close();
  });

  it('reports its event consumer in /health/ready (a consumer out of its group degrades, never unreadies)', async () => {
    const ready = await eventually(() => nix.call('GET', '/health/ready'), (r) => r.status === 200, 60_000);
    expect(ready.json.details.events).toEqual({ status: 'up', consumers: { identity: 'running' } });
  });

  it('notifies the subscribed agency once by pull, for the subscribed person only', async () => {
    const put = await nix.call('PUT', '/v1/subscriptions/identity/person-changed', { headers: DEMO_HEADERS, body: { nationalIds: subscribed } });
    expect(put.json).toMatchObject({ added: 3 });
    const emitted = await changes.emit([subscribed[0], unsubscribed], today);
    expect(emitted).toHaveLength(2);
    const pulled = await eventually(
      () => nix.call('GET', '/v1/notifications', { headers: DEMO_HEADERS }),
      (r) => r.json?.notifications?.length > 0,
      60_000,
    );
    expect(pulled.json.notifications).toEqual([{ eventId: emitted[0].eventId, eventType: 'identity/person-changed', nationalId: subscribed[0], changedOn: today }]);
    // Both events were taken: the unsubscribed one matched nobody.
    await eventually(async () => (await store.counts(0, Date.now() + 60_000)).find((c) => c.agency === 'civil-registration')?.events ?? 0, (n) => n === 2, 60_000);
    expect((await nix.call('POST', '/v1/notifications/ack', { headers: DEMO_HEADERS, body: { eventIds: [emitted[0].eventId] } })).json).toEqual({ acknowledged: 1 });
  });

  it('notifies it once on its signed webhook', async () => {
    const registered = await nix.call('PUT', '/v1/agencies/me/webhook', { headers: DEMO_HEADERS, body: { url: hook.url } });
    expect(registered.status).toBe(200);
    const [event] = await changes.emit([subscribed[1]], today);
    await eventually(async () => hook.received.length, (n) => n >= 1, 60_000);
    await eventually(async () => Number((await store.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM notification_pending'))[0].n), (n) => n === 0, 30_000);
    expect(hook.received).toHaveLength(1);
    expect(JSON.parse(hook.received[0].body)).toEqual({ eventId: event.eventId, eventType: 'identity/person-changed', nationalId: subscribed[1], changedOn: today });
    expect(verifyWebhook(registered.json.secret, hook.received[0].headers as Record<string, string>, hook.received[0].body, Math.floor(Date.now() / 1000))).toBe(true);
  });

  it('counts the events, the deliveries and the same-day share in the report', async () => {
    const report = await nix.call('GET', '/v1/reports/notifications', { headers: { authorization: 'Bearer demo-wg-key' } });
    expect(report.json.agencies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ agency: 'civil-registration', events: 3 }),
        expect.objectContaining({ agency: 'demo-agency', deliveries: 2, sameDay: 2, failedAttempts: 0, sameDayShare: 1 }),
      ]),
    );
  });

  it('R3: none of the 4 national IDs in any table, log line, retained topic or segment on disk', async () => {
    const needles = persons;
    expect(await findDatabaseLeaks(store.sql, needles)).toEqual([]);
    expect(findLeaks(nix.logLines.map((text, i) => ({ source: `log line ${i}`, text })), needles)).toEqual([]);
    const topics = [eventTopicOf(nix.config.kafka, 'identity'), trafficTopicOf(nix.config.kafka)];
    const messages = await readTopics(kafka, topics, `${prefix}.r3-audit`);
    expect(messages.filter((m) => m.source.startsWith(topics[0])).length).toBe(3);
    expect(findLeaks(messages, needles)).toEqual([]);
    const logDirs = process.env.NIX_TEST_KAFKA_LOG_DIRS;
    if (logDirs) {
      const files = filesUnder(logDirs, (name) => name.startsWith(`${prefix}.`) || name.startsWith('__') || !/-\d+$/.test(name));
      expect(files.some((f) => f.source.includes(`/${prefix}.event.identity.v1`) && f.source.endsWith('.log') && f.text.length > 0)).toBe(true);
      expect(findLeaks(files, needles)).toEqual([]);
    }
  });
});
