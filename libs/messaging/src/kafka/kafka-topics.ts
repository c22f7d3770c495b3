import type { Admin, ITopicConfig } from 'kafkajs';
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

/** Creates the topics that do not exist yet, with their settings; existing ones are left as they are. */
export async function ensureTopics(admin: Admin, topics: ITopicConfig[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return;
  try {
    await admin.createTopics({ topics: missing, waitForLeaders: true });
  } catch (error) {
    // Another process created one of them meanwhile.
    if (!/already exists/i.test(String((error as Error).message))) throw error;
  }
}
