/**
 * Issue 13, point 2: Kafka secured. A broker of this suite's own (SASL_SSL, SCRAM-SHA-512 users, the
 * StandardAuthorizer; its own ports, so the plaintext broker of the other suites is left alone), the ACLs of each
 * role created as `npm run kafka:acls` creates them, and NIX's roles as separate apps, each as its own Kafka user.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { Client } from 'pg';
import { createKafka, createRoleAcls, roleAcls, topicOf, trafficTopicOf } from '@nix/messaging';
import { createLogger } from '@nix/observability';
import { findLeaks } from '@nix/ledger/testing';
import { filesUnder, readTopics } from '../support/haystacks';
import { startLocalKafka, type LocalKafka } from '../../deploy/kafka/local-kafka';
import { describeWithKafka, kafkaEnv, uniquePrefix } from '../support/kafka-env';
import { eventually } from '../support/polling';
import { freshDatabase } from '../support/postgres';
import { sendIdentifierTraffic } from '../support/r3-traffic';
import { startTestApp, type TestApp } from '../support/test-app';

// The JVM start, keytool and TLS handshakes are slow on a busy machine: deadlines are generous.
jest.setTimeout(600_000);

const USERS = ['nix-broker', 'nix-identity', 'nix-vehicle', 'nix-recorder'];
const PERSON = { nationalId: '0067749828', birthDate: '1988-03-21' };

describeWithKafka('Kafka secured: SASL_SSL, a SCRAM user per role, ACLs per role', () => {
  const prefix = uniquePrefix('nixtest-secure');
  const settings = { topicPrefix: prefix };
  const identityTopic = topicOf(settings, 'inquiry.identity.v1');
  let kafka: LocalKafka;
  let databaseUrl: string;
  const apps: TestApp[] = [];
  let broker: TestApp;

  /** A bare kafkajs client on the secure broker: as a user, with a password, or with neither. */
  const client = (auth: { username: string; password?: string } | null, extra: Partial<KafkaConfig> = {}): Kafka =>
    new Kafka({
      clientId: `${prefix}-probe`,
      brokers: [kafka.brokers],
      ssl: { ca: [readFileSync(kafka.secure!.caFile, 'utf8')] },
      ...(auth ? { sasl: { mechanism: 'scram-sha-512', username: auth.username, password: auth.password ?? kafka.secure!.users[auth.username] } } : {}),
      connectionTimeout: 10_000,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
      ...extra,
    });
  const asAdmin = () => client({ username: kafka.secure!.admin.username, password: kafka.secure!.admin.password });

  /** A NIX role's settings: the suite's Kafka, TLS with its CA, and the role's own user (its password from a file). */
  const roleEnv = (user: string, instance: string): Record<string, string> => ({
    ...kafkaEnv(prefix, `${prefix}-${instance}`, kafka.brokers),
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: kafka.secure!.caFile,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: user,
    KAFKA_SASL_PASSWORD_FILE: kafka.secure!.passwordFile(user),
    DATABASE_URL: databaseUrl,
  });

  beforeAll(async () => {
    kafka = await startLocalKafka({ secure: { users: USERS }, serverProperties: { 'num.partitions': 6 }, startTimeoutMs: 300_000 });
    databaseUrl = await freshDatabase();
    const admin = asAdmin().admin();
    await admin.connect();
    try {
      await createRoleAcls(admin, [
        ...roleAcls(settings, { role: 'broker', user: 'nix-broker', instanceId: `${prefix}-broker` }),
        ...roleAcls(settings, { role: 'adapter', user: 'nix-identity', registries: ['identity'] }),
        ...roleAcls(settings, { role: 'adapter', user: 'nix-vehicle', registries: ['vehicle'] }),
        ...roleAcls(settings, { role: 'recorder', user: 'nix-recorder' }),
      ]);
    } finally {
      await admin.disconnect();
    }
    apps.push(await startTestApp(roleEnv('nix-recorder', 'recorder'), { roles: ['recorder'] }));
    apps.push(await startTestApp(roleEnv('nix-identity', 'identity'), { roles: ['adapters'], registries: ['identity'] }));
    apps.push(await startTestApp(roleEnv('nix-vehicle', 'vehicle'), { roles: ['adapters'], registries: ['vehicle'] }));
    broker = await startTestApp(roleEnv('nix-broker', 'broker'), { roles: ['broker'] });
    apps.push(broker);
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await kafka?.destroy();
  });

  it('answers inquiries end to end over SASL_SSL, each role as its own user, and the recorder records them', async () => {
    const answered = await eventually(() => broker.inquire('identity', 'person', PERSON), (r) => r.status === 200, 180_000);
    expect({ status: answered.status, body: answered.json }).toEqual({ status: 200, body: expect.objectContaining({ firstName: expect.any(String) }) });
    const vehicle = await eventually(() => broker.inquire('vehicle', 'vehicle', { vin: 'NAAM11CA3EK123456' }), (r) => r.status === 200, 120_000);
    expect(vehicle.status).toBe(200);

    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const exchanges = [answered.headers['x-exchange-id'], vehicle.headers['x-exchange-id']];
      const rows = await eventually(
        () => db.query<{ exchange_id: string; broker_instance: string }>('SELECT exchange_id::text, broker_instance FROM traffic_record WHERE exchange_id::text = ANY($1)', [exchanges]).then((r) => r.rows),
        (r) => r.length === 2,
        120_000,
      );
      expect(rows.map((r) => r.broker_instance)).toEqual([`${prefix}-broker`, `${prefix}-broker`]);
    } finally {
      await db.end();
    }
  });

  it('refuses the vehicle adapter user the identity topic and its group, and inquiries it did not send', async () => {
    const vehicleUser = client({ username: 'nix-vehicle' });
    // The identity topic exists (the identity adapter made it); the vehicle user may not even see it.
    const admin = vehicleUser.admin();
    await admin.connect();
    try {
      await expect(admin.fetchTopicOffsets(identityTopic)).rejects.toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' });
      expect(await admin.listTopics()).not.toContain(identityTopic);
    } finally {
      await admin.disconnect();
    }

    // Reading it as a consumer: in its own group, the topic is refused.
    const ownGroup = vehicleUser.consumer({ groupId: topicOf(settings, 'adapter.inquiry.vehicle.v1') });
    await ownGroup.connect();
    try {
      await expect(ownGroup.subscribe({ topic: identityTopic, fromBeginning: true })).rejects.toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' });
    } finally {
      await ownGroup.disconnect();
    }

    // In the identity adapters' group (to take their inquiries away), the group is refused. Kafka answers the
    // FindCoordinator request with GROUP_AUTHORIZATION_FAILED; kafkajs crashes with "Failed to find group
    // coordinator" and logs that cause, which is read here from its log.
    const causes: string[] = [];
    const logged = client({ username: 'nix-vehicle' }, {
      logLevel: logLevel.DEBUG,
      logCreator: () => ({ log }) => {
        const error = log.error as unknown as { type?: string } | string | undefined;
        if (error) causes.push(typeof error === 'string' ? error : String(error.type));
      },
    });
    const identityGroup = logged.consumer({ groupId: topicOf(settings, 'adapter.inquiry.identity.v1'), retry: { retries: 0, restartOnFailure: async () => false } });
    const crashed = new Promise<{ name?: string }>((resolve) => identityGroup.on(identityGroup.events.CRASH, ({ payload }) => resolve(payload.error)));
    await identityGroup.connect();
    try {
      await identityGroup.subscribe({ topic: topicOf(settings, 'inquiry.vehicle.v1'), fromBeginning: true });
      await identityGroup.run({ eachMessage: async () => undefined });
      expect(await crashed).toMatchObject({ name: 'KafkaJSGroupCoordinatorNotFound' });
      expect(causes).toContain('GROUP_AUTHORIZATION_FAILED');
    } finally {
      await identityGroup.disconnect();
    }

    // Nor may it write into the identity topic (a forged inquiry).
    const producer = vehicleUser.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      // kafkajs wraps the broker's TOPIC_AUTHORIZATION_FAILED in a non-retriable error with the broker's message.
      await expect(producer.send({ topic: identityTopic, messages: [{ value: 'forged' }] })).rejects.toMatchObject({
        name: 'KafkaJSNonRetriableError',
        message: expect.stringContaining('Topic authorization failed'),
      });
    } finally {
      await producer.disconnect();
    }

    // The recorder's user reads the traffic topic only: not the broker's replies.
    const recorderUser = client({ username: 'nix-recorder' }).admin();
    await recorderUser.connect();
    try {
      await expect(recorderUser.fetchTopicOffsets(topicOf(settings, `reply.${prefix}-broker`))).rejects.toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' });
      expect(await recorderUser.fetchTopicOffsets(trafficTopicOf(settings))).toEqual(expect.arrayContaining([expect.objectContaining({ partition: 0 })]));
    } finally {
      await recorderUser.disconnect();
    }
  });

  it('refuses a client without a user, with a wrong password, or without TLS', async () => {
    const attempts: Array<[string, Kafka]> = [
      ['no user', client(null)],
      ['wrong password', client({ username: 'nix-broker', password: 'not-the-password' })],
      ['no TLS', client({ username: 'nix-broker' }, { ssl: false, connectionTimeout: 3000 })],
    ];
    for (const [what, kafkaClient] of attempts) {
      const admin = kafkaClient.admin();
      const outcome = await admin
        .connect()
        .then(() => admin.listTopics())
        .then(
          (topics) => `listed ${topics.length} topics`,
          (error: Error) => error.name,
        );
      await admin.disconnect().catch(() => undefined);
      // Without TLS the broker drops the bytes it cannot read as TLS: kafkajs gives up after its retries.
      const refused = what === 'wrong password' ? /^KafkaJSSASLAuthenticationError$/ : /^KafkaJS(ConnectionClosedError|ConnectionError|NumberOfRetriesExceeded|RequestTimeoutError)$/;
      expect({ what, outcome }).toEqual({ what, outcome: expect.stringMatching(refused) });
    }
  });

  it('R3: a consumer reading every retained topic, and the segments on disk, find none of the identifiers sent', async () => {
    const needles = await sendIdentifierTraffic(broker);
    await broker.flushLedger();
    // Every topic of this suite, read by the super user (ACLs do not bind it): inquiries, replies and traffic records.
    const audit = createKafka(
      { ...broker.config.kafka, instanceId: 'r3-audit', sasl: { mechanism: 'scram-sha-512', username: kafka.secure!.admin.username, password: kafka.secure!.admin.password } },
      createLogger({ level: 'silent', instanceId: 'r3-audit' }),
      'audit',
    );
    const admin = audit.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
    await admin.disconnect();
    expect(topics).toEqual(expect.arrayContaining([identityTopic, topicOf(settings, 'inquiry.vehicle.v1'), topicOf(settings, `reply.${prefix}-broker`), trafficTopicOf(settings)]));

    // Every message the topics hold, to each partition's end (readTopics throws when it reads fewer).
    const messages = await readTopics(audit, topics, `${prefix}.r3-audit`, 120_000);
    // The inquiries that passed the broker's checks went out and came back: both sides are in the audit.
    expect(messages.filter((m) => m.source.startsWith(identityTopic)).length).toBeGreaterThanOrEqual(3);
    expect(messages.filter((m) => m.source.startsWith(topicOf(settings, 'reply.'))).length).toBeGreaterThanOrEqual(3);
    expect(findLeaks(messages, needles)).toEqual([]);

    // The same on this broker's disk: its segment files of this suite's topics (index files hold offsets only).
    const kraft = join(kafka.dataDir, 'kraft');
    const segments = filesUnder(kraft, (dir) => dir.startsWith(`${prefix}.`)).filter((s) => s.source.endsWith('.log'));
    expect(segments.filter((s) => s.text.length > 0).length).toBeGreaterThanOrEqual(3);
    expect(findLeaks(segments, needles)).toEqual([]);
  });
});
