import type { Admin, ITopicConfig, Kafka } from 'kafkajs';
import type { Clock } from '@nix/domain';
import { trafficTopicOf, type KafkaSettings } from './kafka-settings';

/**
 * Topic settings. Inquiry and reply topics hold request and answer bodies in
 * transit, so they keep them as briefly as Kafka allows: short retention and
 * short segments, since Kafka deletes whole segments only.
 */
export function inquiryTopicConfig(topic: string, settings: KafkaSettings): ITopicConfig {
  return transientTopic(topic, settings.partitions, settings);
}

export function replyTopicConfig(topic: string, settings: KafkaSettings): ITopicConfig {
  return transientTopic(topic, 1, settings);
}

/** Traffic records are metadata only (R3) and are kept long enough to be replayed into the ledger. */
export function trafficTopicConfig(settings: KafkaSettings): ITopicConfig {
  return {
    topic: trafficTopicOf(settings),
    numPartitions: settings.partitions,
    replicationFactor: settings.replicationFactor,
    configEntries: [
      { name: 'retention.ms', value: String(settings.trafficRetentionMs) },
      { name: 'cleanup.policy', value: 'delete' },
      { name: 'min.insync.replicas', value: String(Math.min(2, settings.replicationFactor)) },
    ],
  };
}

function transientTopic(topic: string, partitions: number, settings: KafkaSettings): ITopicConfig {
  const retention = String(settings.inquiryRetentionMs);
  return {
    topic,
    numPartitions: partitions,
    replicationFactor: settings.replicationFactor,
    configEntries: [
      { name: 'retention.ms', value: retention },
      { name: 'segment.ms', value: retention },
      { name: 'segment.bytes', value: String(16 * 1024 * 1024) },
      { name: 'cleanup.policy', value: 'delete' },
    ],
  };
}

/** ensureTopics through an admin client of its own, connected for this call only. */
export async function ensureTopicsOnce(kafka: Kafka, topics: ITopicConfig[], clock: Clock): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await ensureTopics(admin, topics, clock);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Creates the topics that do not exist yet, with their settings (existing
 * ones are left as they are), and waits until every partition has a leader:
 * a topic that has just been created answers "unknown partition" for a moment.
 */
export async function ensureTopics(admin: Admin, topics: ITopicConfig[], clock: Clock, timeoutMs = 20_000): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length > 0) {
    try {
      await admin.createTopics({ topics: missing, waitForLeaders: false });
    } catch (error) {
      // Another process created one of them meanwhile.
      if (!/already exists/i.test(String((error as Error).message))) throw error;
    }
  }
  const until = clock.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
      if (metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      if (clock.now() > until) throw error;
    }
    if (clock.now() > until) throw new Error(`Kafka topics have no leader yet: ${topics.map((t) => t.topic).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
