import { createKafka, trafficTopicOf } from '@nix/messaging';
import { TrafficRepository } from '@nix/ledger';
import { findDatabaseLeaks, findLeaks, type Haystack } from '@nix/ledger/testing';
import { createLogger } from '@nix/observability';
import { filesUnder, readTopics } from '../support/haystacks';
import { describeWithKafka, kafkaEnv, uniquePrefix } from '../support/kafka-env';
import { eventually, settled } from '../support/polling';
import { freshDatabase } from '../support/postgres';
import { sendIdentifierTraffic } from '../support/r3-traffic';
import { startTestApp, type TestApp } from '../support/test-app';

describeWithKafka('R3: the broker keeps no content (Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('nixtest-r3');
  let nix: TestApp;
  let needles: string[];

  beforeAll(async () => {
    nix = await startTestApp({ ...kafkaEnv(prefix, `${prefix}-all`), DATABASE_URL: await freshDatabase(), NIX_LOG_LEVEL: 'info', NIX_LOG_EXCHANGES: 'true' });
  });
  afterAll(() => nix?.close());

  it('holds none of the identifiers in any table, any log line, or the retained traffic topic', async () => {
    needles = await sendIdentifierTraffic(nix);
    await nix.flushLedger();
    const repository = nix.app.get(TrafficRepository);
    await eventually(() => repository.count(), (n) => n >= 15, 60_000);
    const recorded = await settled(() => repository.count());
    expect(await findDatabaseLeaks(repository.sql, needles)).toEqual([]);
    expect(findLeaks(nix.logLines.map((text, i) => ({ source: `log line ${i}`, text })), needles)).toEqual([]);

    // Everything the long-retained topic holds, read from its beginning.
    const settings = { ...nix.config.kafka, instanceId: 'r3-audit' };
    const kafka = createKafka(settings, createLogger({ level: 'silent', instanceId: 'r3-audit' }), 'audit');
    const consumer = kafka.consumer({ groupId: `${prefix}.r3-audit` });
    const messages: Haystack[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: trafficTopicOf(settings), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        const headers = JSON.stringify(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])));
        messages.push({ source: `traffic topic partition ${partition} offset ${message.offset}`, text: `${message.key} ${message.value} ${headers}` });
      },
    });
    await eventually(async () => messages.length, (n) => n >= recorded, 60_000);
    await consumer.disconnect();
    expect(messages.length).toBe(recorded);
    expect(findLeaks(messages, needles)).toEqual([]);
  });

  it('holds none of them in the retained inquiry and reply topics: their values are sealed', async () => {
    const settings = { ...nix.config.kafka, instanceId: 'r3-audit' };
    const kafka = createKafka(settings, createLogger({ level: 'silent', instanceId: 'r3-audit' }), 'audit');
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.inquiry.`) || t.startsWith(`${prefix}.reply.`));
    await admin.disconnect();
    expect(topics).toEqual(expect.arrayContaining([`${prefix}.inquiry.identity.v1`, `${prefix}.inquiry.vehicle.v1`, `${prefix}.reply.${prefix}-all`]));
    const messages = await readTopics(kafka, topics, `${prefix}.r3-audit-transient`);
    // The traffic above reached the adapters and came back: inquiries and replies alike are on the topics.
    expect(messages.filter((m) => m.source.startsWith(`${prefix}.inquiry.`)).length).toBeGreaterThanOrEqual(8);
    expect(messages.filter((m) => m.source.startsWith(`${prefix}.reply.`)).length).toBeGreaterThanOrEqual(8);
    expect(messages.every((m) => m.text.includes('"nix-key-id":"demo-not-for-production"'))).toBe(true);
    expect(findLeaks(messages, needles)).toEqual([]);
  });

  // Only where the test started the broker itself (local KRaft) are its segment files on this disk.
  (process.env.NIX_TEST_KAFKA_LOG_DIRS ? it : it.skip)("holds none of them in the Kafka broker's log segments on disk", () => {
    const logDirs = process.env.NIX_TEST_KAFKA_LOG_DIRS!;
    // This suite's topics, the broker's internal ones (consumer offsets, cluster metadata) and its own files;
    // other suites' topics are theirs to audit (some write hostile records on purpose).
    const files = filesUnder(logDirs, (name) => name.startsWith(`${prefix}.`) || name.startsWith('__') || !/-\d+$/.test(name));
    const segments = (kind: string) => files.filter((f) => f.source.includes(`/${prefix}.${kind}`) && f.source.endsWith('.log') && f.text.length > 0);
    // The inquiries, replies and traffic records are in the segments read here.
    expect(segments('inquiry.').length).toBeGreaterThanOrEqual(1);
    expect(segments('reply.').length).toBeGreaterThanOrEqual(1);
    expect(segments('traffic.').length).toBeGreaterThanOrEqual(1);
    expect(findLeaks(files, needles)).toEqual([]);
  });
});
