/** The Kafka a benchmark runs against: KAFKA_BROKERS if set (left running), else a local KRaft broker it stops. */
export interface BenchKafka {
  brokers: string;
  /** The local broker's JVM, whose CPU the inquiry benchmark reports apart; undefined for KAFKA_BROKERS. */
  pid?: number;
  destroy(): Promise<void>;
}

export async function benchKafka(): Promise<BenchKafka> {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS, destroy: async () => undefined };
  const { ensureJars, startLocalKafka } = await import('../../deploy/kafka/local-kafka');
  await ensureJars();
  const local = await startLocalKafka({ serverProperties: { 'num.partitions': 6 } });
  return { brokers: local.brokers, pid: local.pid, destroy: () => local.destroy() };
}
