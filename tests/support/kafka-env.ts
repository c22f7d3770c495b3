import { randomBytes } from 'node:crypto';

/** describe() when the global setup found Kafka, describe.skip() otherwise (never in CI: setup fails there). */
export const describeWithKafka = process.env.NIX_TEST_KAFKA_BROKERS ? describe : describe.skip;

/**
 * Settings of a NIX process on the test Kafka. Each suite gets its own topic
 * prefix, so suites sharing one broker never see each other's inquiries or
 * traffic records.
 */
export function kafkaEnv(prefix: string, instanceId: string, brokers = process.env.NIX_TEST_KAFKA_BROKERS!): Record<string, string> {
  return {
    NIX_TRANSPORT: 'kafka',
    KAFKA_BROKERS: brokers,
    NIX_KAFKA_TOPIC_PREFIX: prefix,
    NIX_INSTANCE_ID: instanceId,
    NIX_KAFKA_PARTITIONS: '6',
  };
}

export function uniquePrefix(name: string): string {
  return `${name}-${randomBytes(3).toString('hex')}`;
}
