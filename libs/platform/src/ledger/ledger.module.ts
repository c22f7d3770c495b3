import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigurationError, type NixConfig } from '@nix/config';
import type { Clock } from '@nix/domain';
import {
  ChainHeadFile,
  chainHeadDir,
  ChainingTrafficSink,
  CheckpointSigner,
  SqlCheckpointStore,
  FallbackTrafficQuarantine,
  FileTrafficQuarantine,
  journalDir,
  LedgerStore,
  quarantineDir,
  SqlTrafficQuarantine,
  TrafficJournal,
  spoolDir,
  TRAFFIC_SINK,
  TrafficRepository,
  TrafficSpool,
  TrafficWriter,
  type ChainLog,
  type TrafficBatchStore,
  type TrafficQuarantine,
  type TrafficSink,
} from '@nix/ledger';
import type { NixMetrics } from '@nix/observability';
import { CLOCK, LOGGER, METRICS, NIX_CONFIG } from '../core/tokens';
import { READINESS_CHECKS, type ReadinessChecks, type ReadinessReport } from '../health/readiness-checks';
import { LedgerRetention } from './ledger-retention';

/** The ledger's store (PostgreSQL, or the embedded PGlite). */
export const LEDGER_STORE = Symbol('LEDGER_STORE');

/**
 * The writer that feeds a store (the ledger's database, or Kafka) as the
 * configuration says, spooling to NIX_DATA_DIR, with records that can never be
 * written quarantined (in the database when there is one, else beside the
 * spool), and with NIX_LEDGER_DURABILITY=sync a journal synced before answers leave.
 */
export function startTrafficWriter(
  store: TrafficBatchStore,
  config: NixConfig,
  metrics: NixMetrics,
  clock: Clock,
  flushIntervalMs = config.ledger.flushIntervalMs,
  quarantine: TrafficQuarantine = new FileTrafficQuarantine(quarantineDir(config.paths.data)),
): TrafficWriter {
  const { batchSize, bufferLimit, stallSeconds, durability } = config.ledger;
  const sync = durability === 'sync';
  const spool = spoolDir(config.paths.data);
  if (!sync) TrafficJournal.recover(journalDir(config.paths.data), spool);
  return new TrafficWriter(store, { batchSize, flushIntervalMs, bufferLimit, stallMs: stallSeconds * 1000 }, new TrafficSpool(spool, { sync }), metrics, {
    clock,
    quarantine,
    journal: sync ? new TrafficJournal(journalDir(config.paths.data), spool) : null,
  }).start();
}

/**
 * The broker's records, numbered and chained for this instance before they are written or published, with signed
 * checkpoints in the ledger database (see the README's "tamper-evident ledger").
 */
function chained(sink: TrafficSink, repository: TrafficRepository, config: NixConfig, clock: Clock, logger: ChainLog): ChainingTrafficSink {
  const { signingKey, checkpointEvery, checkpointMs } = config.ledger.chain;
  if (signingKey === null) throw new ConfigurationError('environment', 'NIX_LEDGER_SIGNING_KEY', 'is required where brokers chain their records');
  return new ChainingTrafficSink(
    sink,
    { instance: config.instanceId, checkpointEvery, checkpointMs },
    new CheckpointSigner(signingKey),
    new SqlCheckpointStore(repository.sql),
    new ChainHeadFile(chainHeadDir(config.paths.data), config.instanceId),
    clock,
    logger,
  );
}

export interface LedgerOptions {
  /**
   * Where the broker's traffic records go: a sink given here (the Kafka
   * publisher, or a memory sink in tests), the ledger writer when undefined,
   * or nowhere when null (a process without the broker).
   */
  sink?: TrafficSink | null;
  /** The ledger is this process's whole job (the recorder): a store that is not open makes it unready. */
  required?: boolean;
}

const LEDGER_OPTIONS = Symbol('LEDGER_OPTIONS');

/** The traffic ledger: its store, its repository, and the sink the inquiry path records into. */
@Module({})
export class LedgerModule implements OnApplicationShutdown {
  constructor(
    @Inject(TRAFFIC_SINK) private readonly sink: TrafficSink | null,
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    @Inject(LEDGER_OPTIONS) private readonly options: LedgerOptions,
    @Inject(READINESS_CHECKS) readiness: ReadinessChecks,
  ) {
    readiness.add({ name: 'ledger', probe: () => this.readiness() });
  }

  static forRoot(options: LedgerOptions = {}): DynamicModule {
    return {
      module: LedgerModule,
      global: true,
      providers: [
        { provide: LEDGER_OPTIONS, useValue: options },
        {
          provide: LEDGER_STORE,
          inject: [NIX_CONFIG],
          useFactory: (config: NixConfig) => new LedgerStore({ databaseUrl: config.database.url, dataDir: config.paths.data }),
        },
        { provide: TrafficRepository, inject: [LEDGER_STORE], useFactory: (store: LedgerStore) => new TrafficRepository(store) },
        {
          provide: TRAFFIC_SINK,
          inject: [TrafficRepository, NIX_CONFIG, METRICS, CLOCK, LOGGER],
          useFactory: (repository: TrafficRepository, config: NixConfig, metrics: NixMetrics, clock: Clock, logger: ChainLog) => {
            const sink =
              options.sink !== undefined
                ? options.sink
                : startTrafficWriter(
                    repository,
                    config,
                    metrics,
                    clock,
                    undefined,
                    new FallbackTrafficQuarantine(new SqlTrafficQuarantine(repository.sql), new FileTrafficQuarantine(quarantineDir(config.paths.data))),
                  );
            return sink && chained(sink, repository, config, clock, logger);
          },
        },
        LedgerRetention,
      ],
      exports: [TRAFFIC_SINK, TrafficRepository, LEDGER_STORE],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    // In-flight inquiries are drained before this; their records are flushed, then the store closes.
    await (this.sink?.close ? this.sink.close() : this.sink?.flush());
    await this.store.close();
  }

  private readiness(): ReadinessReport {
    const store = this.store;
    const sink = this.sink?.health?.() ?? { buffered: 0, writing: true, stalledMs: 0, stalled: false };
    const stalledSeconds = Math.floor(sink.stalledMs / 1000);
    const details: Record<string, unknown> = { store: store.kind, open: store.isReady, buffered: sink.buffered, writing: sink.writing, stalledSeconds };
    if (store.error) details.reason = store.error.message;
    if (!store.isReady || !sink.writing) details.degraded = true;
    // The broker keeps serving and buffers, until nothing has been written for NIX_LEDGER_STALL_S while records wait.
    if (sink.stalled) return { up: false, details: { ...details, reason: `nothing written for ${stalledSeconds} s while records wait` } };
    if (this.options.required && !store.isReady) return { up: false, details };
    return { up: true, details };
  }
}
