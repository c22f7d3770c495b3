import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureJars, startLocalKafka, type LocalKafka } from '../../deploy/kafka/local-kafka';

export interface ProvisionedKafka {
  brokers: string;
  source: 'KAFKA_BROKERS' | 'testcontainers' | 'local KRaft';
  /** The broker's log dirs on this machine (local KRaft only): the R3 audit reads its segment files. */
  logDirs?: string;
  destroy(): Promise<void>;
}

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
