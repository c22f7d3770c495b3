import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureJars, startLocalKafka, type LocalKafka } from '../../deploy/kafka/local-kafka';

export interface ProvisionedKafka {
  brokers: string;
  source: 'KAFKA_BROKERS' | 'testcontainers' | 'local KRaft' | 'secure local KRaft';
  /** The broker's log dirs on this machine (local KRaft only): the R3 audit reads its segment files. */
  logDirs?: string;
  /** A secure broker's CA and the tests' SCRAM user (NIX_KAFKA_TEST_SECURE=1). */
  security?: TestKafkaSecurity;
  destroy(): Promise<void>;
}

/** How the suites reach the secure broker: its CA, and a user whose ACLs cover the suites' prefixes only. */
export interface TestKafkaSecurity {
  caFile: string;
  username: string;
  passwordFile: string;
}

/** The SCRAM user of the Kafka suites on the secure broker, and the start of every topic and group name it may use. */
export const TEST_KAFKA_USER = 'nix-test';
export const TEST_TOPIC_PREFIX = 'nixtest';

/** Whether this machine can run the local KRaft broker: Java 17+ (and Maven, the first time). */
export function canRunLocalKafka(): boolean {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/**
 * A real Kafka for the tests, in this order: KAFKA_BROKERS if set;
 * testcontainers where a Docker engine answers; otherwise a single-node KRaft
 * broker started from the Maven Central jars in deploy/kafka.
 */
export async function provisionKafka(): Promise<ProvisionedKafka> {
  if (process.env.NIX_KAFKA_TEST_SECURE === '1') return startSecureKafka();
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS, source: 'KAFKA_BROKERS', destroy: async () => undefined };
  if (await dockerAnswers()) {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const container = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
    return { brokers: `${container.getHost()}:${container.getMappedPort(9093)}`, source: 'testcontainers', destroy: async () => void (await container.stop()) };
  }
  return startDedicatedKafka();
}

/** A broker of the test's own, which it may stop and restart on the same port (local KRaft only). */
export async function startDedicatedKafka(): Promise<ProvisionedKafka & { local: LocalKafka }> {
  await ensureJars();
  const local = await startLocalKafka({ serverProperties: { 'num.partitions': 6 } });
  return { brokers: local.brokers, source: 'local KRaft', logDirs: join(local.dataDir, 'kraft'), local, destroy: () => local.destroy() };
}

/**
 * NIX_KAFKA_TEST_SECURE=1: the suites' shared broker is a secure local one (SASL_SSL, SCRAM, StandardAuthorizer).
 * The suites run as one user, allowed everything on topics and groups whose names start with `nixtest` (every
 * suite's uniquePrefix) and nothing else; the role ACLs themselves are tests/kafka/secure-kafka.e2e.ts's subject.
 */
export async function startSecureKafka(): Promise<ProvisionedKafka> {
  await ensureJars();
  const local = await startLocalKafka({ secure: { users: [TEST_KAFKA_USER] }, serverProperties: { 'num.partitions': 6 }, startTimeoutMs: 300_000 });
  const { Kafka, logLevel, AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = await import('kafkajs');
  const secure = local.secure!;
  const admin = new Kafka({
    brokers: [local.brokers],
    ssl: { ca: [readFileSync(secure.caFile, 'utf8')] },
    sasl: { mechanism: 'scram-sha-512', username: secure.admin.username, password: secure.admin.password },
    connectionTimeout: 10_000,
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    await admin.createAcls({
      acl: [AclResourceTypes.TOPIC, AclResourceTypes.GROUP].map((resourceType) => ({
        resourceType,
        resourceName: TEST_TOPIC_PREFIX,
        resourcePatternType: ResourcePatternTypes.PREFIXED,
        principal: `User:${TEST_KAFKA_USER}`,
        host: '*',
        operation: AclOperationTypes.ALL,
        permissionType: AclPermissionTypes.ALLOW,
      })),
    });
  } finally {
    await admin.disconnect();
  }
  return {
    brokers: local.brokers,
    source: 'secure local KRaft',
    logDirs: join(local.dataDir, 'kraft'),
    security: { caFile: secure.caFile, username: TEST_KAFKA_USER, passwordFile: secure.passwordFile(TEST_KAFKA_USER) },
    destroy: () => local.destroy(),
  };
}
