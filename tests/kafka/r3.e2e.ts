import { createKafka, trafficTopicOf } from '@nix/messaging';
import { TrafficRepository } from '@nix/ledger';
import { findDatabaseLeaks, findLeaks, type Haystack } from '@nix/ledger/testing';
import { createLogger } from '@nix/observability';
import { describeWithKafka, kafkaEnv, uniquePrefix } from '../support/kafka-env';
import { eventually, settled } from '../support/polling';
import { freshDatabase } from '../support/postgres';
import { sendIdentifierTraffic } from '../support/r3-traffic';
import { startTestApp, type TestApp } from '../support/test-app';

describeWithKafka('R3: the broker keeps no content (Kafka and PostgreSQL)', () => {
  const prefix = uniquePrefix('nixtest-r3');
  let nix: TestApp;

  beforeAll(async () => {
    nix = await startTestApp({ ...kafkaEnv(prefix, `${prefix}-all`), DATABASE_URL: await freshDatabase(), NIX_LOG_LEVEL: 'info', NIX_LOG_EXCHANGES: 'true' });
  });
  afterAll(() => nix?.close());

  it('holds none of the identifiers in any table, any log line, or the retained traffic topic', async () => {
    const needles = await sendIdentifierTraffic(nix);
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
});
