import type { Consumer, EachBatchPayload, ITopicConfig, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Clock } from '@nix/domain';
import { KeptConsumer, METADATA_MAX_AGE_MS, OffsetCommits } from '@nix/messaging';
import type { NixMetrics } from '@nix/observability';
import { createHash } from 'node:crypto';
import { SqlTrafficQuarantine, writeIsolating, type QuarantineEntry, type TrafficBatchStore, type TrafficQuarantine } from '../traffic-quarantine';
import { TrafficRepository } from '../traffic-repository';
import { ensureTrafficTopic } from './kafka-traffic-store';

export interface TrafficRecorderOptions {
  kafka: Kafka;
  topic: ITopicConfig;
  /** Where the records go: the ledger's repository. */
  store: TrafficBatchStore;
  logger: Logger;
  clock: Clock;
  /** The recorders' consumer group: instances share the topic's partitions. */
  groupId: string;
  metrics?: NixMetrics;
  /** Where records that can never be written go: the ledger's quarantine table for a repository, else the log. */
  quarantine?: TrafficQuarantine;
}

/**
 * Reads the traffic topic (nix.traffic.v1) into the ledger in batches. Offsets are committed only
 * after the batch is in the database, and writes are idempotent on exchange
 * ID: a crash, a rebalance or a deliberate replay never loses or doubles a
 * record. While the database is down the recorder waits and retries, and the
 * records wait in Kafka. A message that can never be written (unreadable, or
 * a record the database refuses for its data) is quarantined and the rest of
 * the batch written, so that it never blocks its partition. While Kafka is
 * down (at start, too) it keeps trying with backoff, and a consumer that
 * kafkajs gives up on is made anew.
 */
export class TrafficRecorder {
  private kept: KeptConsumer | null = null;
  private commits: OffsetCommits | undefined;
  private failing = false;
  private readonly quarantine: TrafficQuarantine;
  private readonly kafka: Kafka;
  private readonly topic: ITopicConfig;
  private readonly store: TrafficBatchStore;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly groupId: string;
  private readonly metrics?: NixMetrics;

  constructor(options: TrafficRecorderOptions) {
    const { kafka, topic, store, logger, clock, groupId, metrics, quarantine } = options;
    this.kafka = kafka;
    this.topic = topic;
    this.store = store;
    this.logger = logger;
    this.clock = clock;
    this.groupId = groupId;
    this.metrics = metrics;
    this.quarantine = quarantine ?? (store instanceof TrafficRepository ? new SqlTrafficQuarantine(store.sql) : new LoggedQuarantine(logger));
  }

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
      clock: this.clock,
      create: () =>
        this.kafka.consumer({
          groupId: this.groupId,
          sessionTimeout: 30_000,
          heartbeatInterval: 2000,
          maxBytesPerPartition: 4 * 1024 * 1024,
          // Fewer, larger batches (each one database write): a fetch waits up to a quarter second for 64 KiB of records.
          minBytes: 64 * 1024,
          maxWaitTimeInMs: 250,
          metadataMaxAge: METADATA_MAX_AGE_MS,
          retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 3000, restartOnFailure: async () => true },
        }),
      start: (consumer) => this.consume(consumer),
      beforeStop: async () => this.commits?.close(),
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
    await ensureTrafficTopic(this.kafka, this.topic, this.clock);
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic.topic, fromBeginning: true });
    // Only offsets of batches in the database are committed, at most twice a second (kafkajs would commit after every batch).
    const commits = (this.commits = new OffsetCommits(consumer, (error) => this.logger.warn({ err: error }, 'the recorder could not commit its offsets; those records may be read again')));
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.onBatch(payload, commits) });
  }

  /** The recorder's one error boundary: a refused write is retried, an unwritable record quarantined, and readiness told (isFailing). */
  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload, commits: OffsetCommits): Promise<void> {
    if (batch.messages.length === 0) return;
    const where = `recorder ${batch.topic}[${batch.partition}]`;
    const records: unknown[] = [];
    let unreadable: QuarantineEntry[] = [];
    for (const m of batch.messages) {
      try {
        if (!m.value) throw new Error('no value');
        records.push(JSON.parse(m.value.toString('utf8')));
      } catch {
        // Only where it was and a digest: an unreadable message cannot be shown to be metadata only (R3).
        const bytes = m.value?.length ?? 0;
        const digest = m.value ? createHash('sha256').update(m.value).digest('hex') : 'none';
        unreadable.push({ source: `${where}@${m.offset}`, reason: `unreadable message (not JSON; ${bytes} bytes, sha256 ${digest})`, exchangeId: null, record: null });
        this.logger.error({ topic: batch.topic, partition: batch.partition, offset: m.offset }, 'quarantining an unreadable traffic message');
      }
    }
    const first = records[0] as { respondedAt?: unknown } | undefined;
    this.metrics?.ledgerLag.set(typeof first?.respondedAt === 'number' ? (this.clock.now() - first.respondedAt) / 1000 : 0);
    this.metrics?.kafkaConsumerLag.set({ group: this.groupId, topic: this.topic.topic }, Number(batch.offsetLag()));
    let written = 0;
    let quarantined = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        if (unreadable.length > 0) {
          await this.quarantine.put(unreadable);
          quarantined += unreadable.length;
          unreadable = [];
        }
        const result = await writeIsolating(this.store, records, `${where} offsets ${batch.firstOffset()}..${batch.lastOffset()}`, this.quarantine);
        written = result.written;
        quarantined += result.quarantined;
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
    this.metrics?.ledgerWritten.inc(written);
    if (quarantined > 0) this.metrics?.ledgerQuarantined.inc({ source: 'recorder' }, quarantined);
    const last = batch.messages[batch.messages.length - 1].offset;
    resolveOffset(last);
    commits.handled(batch.topic, batch.partition, last);
    await heartbeat();
  }
}

/** Without a database to hold it (a recorder fed to another store), a quarantined entry is logged: metadata only. */
class LoggedQuarantine implements TrafficQuarantine {
  constructor(private readonly logger: Logger) {}
  async put(entries: readonly QuarantineEntry[]): Promise<void> {
    for (const { source, reason, exchangeId } of entries) this.logger.error({ source, reason, exchangeId }, 'traffic record quarantined');
  }
}
