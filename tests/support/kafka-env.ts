import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { KafkaSettings } from '@nix/messaging';

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
    // The shared broker is a secure one under NIX_KAFKA_TEST_SECURE=1; a suite's dedicated broker is plaintext.
    ...(brokers === process.env.NIX_TEST_KAFKA_BROKERS ? sharedKafkaSecurityEnv() : {}),
  };
}

/** KAFKA_SSL* and KAFKA_SASL_* of the shared test broker: none unless it is the secure one. */
export function sharedKafkaSecurityEnv(): Record<string, string> {
  const { NIX_TEST_KAFKA_SSL_CA_FILE: caFile, NIX_TEST_KAFKA_SASL_USERNAME: username, NIX_TEST_KAFKA_SASL_PASSWORD_FILE: passwordFile } = process.env;
  if (!caFile || !username || !passwordFile) return {};
  return { KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: caFile, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD_FILE: passwordFile };
}

/** The same as KafkaSettings' ssl and sasl, for suites that make their own settings or kafkajs clients. */
export function sharedKafkaSecurity(): Pick<KafkaSettings, 'ssl' | 'sasl'> {
  const env = sharedKafkaSecurityEnv();
  if (!env.KAFKA_SSL) return { ssl: null, sasl: null };
  return {
    ssl: { ca: readFileSync(env.KAFKA_SSL_CA_FILE, 'utf8') },
    sasl: { mechanism: 'scram-sha-512', username: env.KAFKA_SASL_USERNAME, password: readFileSync(env.KAFKA_SASL_PASSWORD_FILE, 'utf8').trim() },
  };
}

export function uniquePrefix(name: string): string {
  return `${name}-${randomBytes(3).toString('hex')}`;
}
