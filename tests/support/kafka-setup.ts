import { provisionKafka, type ProvisionedKafka } from './kafka';
import postgresSetup from './postgres-setup';

declare global {
  var __nixKafka: ProvisionedKafka | undefined;
}

/** Jest global setup of the Kafka suites: a real broker (see provisionKafka), and PostgreSQL. */
export default async function setup(): Promise<void> {
  await postgresSetup();
  if (process.env.NIX_TEST_KAFKA_BROKERS) return;
  try {
    globalThis.__nixKafka = await provisionKafka();
    process.env.NIX_TEST_KAFKA_BROKERS = globalThis.__nixKafka.brokers;
    // The workers inherit it: the R3 audit scans the broker's segment files on disk.
    if (globalThis.__nixKafka.logDirs) process.env.NIX_TEST_KAFKA_LOG_DIRS = globalThis.__nixKafka.logDirs;
    // On the secure broker (NIX_KAFKA_TEST_SECURE=1), the workers reach it as the tests' user (see kafkaEnv).
    const security = globalThis.__nixKafka.security;
    if (security) {
      process.env.NIX_TEST_KAFKA_SSL_CA_FILE = security.caFile;
      process.env.NIX_TEST_KAFKA_SASL_USERNAME = security.username;
      process.env.NIX_TEST_KAFKA_SASL_PASSWORD_FILE = security.passwordFile;
    }
    process.stderr.write(`\nKafka for the tests (${globalThis.__nixKafka.source}): ${globalThis.__nixKafka.brokers}\n`);
  } catch (error) {
    if (process.env.CI) throw new Error(`CI needs Kafka and none could be had: ${(error as Error).message}`);
    process.stderr.write(`\n*** Kafka suites SKIPPED: ${(error as Error).message}\n`);
  }
}
