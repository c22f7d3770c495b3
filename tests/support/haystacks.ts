import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { Haystack } from '@nix/ledger/testing';
import { eventually } from './polling';

/**
 * Every message of the topics, read from their beginning by a group of its own until each partition's end, as
 * text for the R3 search (key, value and headers).
 */
export async function readTopics(kafka: Kafka, topics: string[], groupId: string, timeoutMs = 60_000): Promise<Haystack[]> {
  const admin = kafka.admin();
  await admin.connect();
  let expected = 0;
  try {
    for (const topic of topics) for (const { high, low } of await admin.fetchTopicOffsets(topic)) expected += Number(high) - Number(low);
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId });
  const messages: Haystack[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message, partition }) => {
      const headers = JSON.stringify(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])));
      messages.push({ source: `${topic} partition ${partition} offset ${message.offset}`, text: `${message.key} ${message.value?.toString('utf8')} ${headers}` });
    },
  });
  await eventually(async () => messages.length, (n) => n >= expected, timeoutMs);
  await consumer.disconnect();
  if (messages.length !== expected) throw new Error(`read ${messages.length} messages of the ${expected} the topics hold`);
  return messages;
}

/**
 * The files under a directory that hold records, as UTF-8 text (binary bytes become U+FFFD; identifiers stay
 * readable). Offset indexes are skipped: they hold offsets and positions only, in preallocated 10 MB files.
 */
export function filesUnder(dir: string, keep: (name: string) => boolean = () => true): Haystack[] {
  return readdirSync(dir)
    .filter(keep)
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return filesUnder(path);
      return /\.(time)?index$/.test(name) ? [] : [{ source: path, text: readFileSync(path).toString('utf8') }];
    });
}
