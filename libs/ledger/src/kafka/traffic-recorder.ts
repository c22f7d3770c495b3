import type { Consumer, EachBatchPayload, ITopicConfig, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { TrafficRecord } from '@nix/domain';
import { KeptConsumer, METADATA_MAX_AGE_MS } from '@nix/messaging';
import type { NixMetrics } from '@nix/observability';
import type { TrafficBatchStore } from '../traffic-writer';
import { ensureTrafficTopic } from './traffic-publisher';


/**
 * Reads the traffic topic (nix.traffic.v1) into the ledger in batches. Offsets are committed only
 * after the batch is in the database, and writes are idempotent on exchange
 * ID: a crash, a rebalance or a deliberate replay never loses or doubles a
 * record. While the database is down the recorder waits and retries, and the
 * records wait in Kafka. While Kafka is down (at start, too) it keeps trying
 * with backoff, and a consumer that kafkajs gives up on is made anew.
 */
export class TrafficRecorder {
  private kept: KeptConsumer | null = null;
  private failing = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: ITopicConfig,
    private readonly store: TrafficBatchStore,
    private readonly logger: Logger,
    private readonly groupId: string,
    private readonly metrics?: NixMetrics,
  ) {}

  /** Whether the recorder is in its consumer group, reading the traffic topic. */
  get isRunning(): boolean {
    return this.kept?.isRunning ?? false;
  }

  /** True while the database refuses writes. */
  get isFailing(): boolean {
    return this.failing;
  }

  /**
   * Starts keeping the consumer and waits for its first outcome: true once it
   * has joined its group, false when Kafka could not be reached (it keeps
   * trying in the background, and isRunning tells when it has joined).
   */
  async start(): Promise<boolean> {
    if (this.kept) return this.kept.nextOutcome();
    const kept = new KeptConsumer({
      name: this.groupId,
      logger: this.logger,
      create: () =>
        this.kafka.consumer({
          groupId: this.groupId,
          sessionTimeout: 30_000,
          heartbeatInterval: 2000,
          maxBytesPerPartition: 4 * 1024 * 1024,
          metadataMaxAge: METADATA_MAX_AGE_MS,
          retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 3000, restartOnFailure: async () => true },
        }),
      start: (consumer) => this.consume(consumer),
    });
    this.kept = kept;
    kept.start();
    return kept.nextOutcome();
  }

  async stop(): Promise<void> {
    await this.kept?.stop();
    this.kept = null;
  }

  private async consume(consumer: Consumer): Promise<void> {
    await ensureTrafficTopic(this.kafka, this.topic);
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic.topic, fromBeginning: true });
    // Only offsets resolved after a successful write are committed.
    await consumer.run({ autoCommit: true, autoCommitInterval: 1000, eachBatchAutoResolve: false, eachBatch: (payload) => this.onBatch(payload) });
  }

  private async onBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const records = batch.messages.flatMap((m) => {
      try {
        return [JSON.parse(m.value!.toString('utf8')) as TrafficRecord];
      } catch {
        this.logger.error({ topic: this.topic.topic, offset: m.offset }, 'skipping an unreadable traffic record');
        return [];
      }
    });
    this.metrics?.ledgerLag.set(records.length > 0 ? (Date.now() - records[0].respondedAt) / 1000 : 0);
    this.metrics?.kafkaConsumerLag.set({ group: this.groupId, topic: this.topic.topic }, Number(batch.offsetLag()));
    for (let attempt = 0; ; attempt++) {
      try {
        await this.store.insertBatch(records);
        break;
      } catch (error) {
        if (!this.failing) this.logger.warn({ err: error }, 'ledger database refuses writes; traffic records wait in Kafka');
        this.failing = true;
        this.metrics?.ledgerWriteFailures.inc();
        if (!isRunning() || isStale()) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 200 * 2 ** Math.min(attempt, 5))));
        await heartbeat();
      }
    }
    if (this.failing) this.logger.info('ledger database takes writes again');
    this.failing = false;
    this.metrics?.ledgerWritten.inc(records.length);
    resolveOffset(batch.messages[batch.messages.length - 1].offset);
    await commitOffsetsIfNecessary();
    await heartbeat();
  }
}
