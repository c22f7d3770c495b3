import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { NixConfig } from '@nix/config';
import {
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
  type SqlClient,
  type TrafficBatchStore,
  type TrafficQuarantine,
  type TrafficSink,
} from '@nix/ledger';
import type { NixMetrics } from '@nix/observability';
import { METRICS, NIX_CONFIG } from '../core/tokens';
import { LedgerRetention } from './ledger-retention';

export const LEDGER_SQL = Symbol('LEDGER_SQL');

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
  flushIntervalMs = config.ledger.flushIntervalMs,
  quarantine: TrafficQuarantine = new FileTrafficQuarantine(quarantineDir(config.paths.data)),
): TrafficWriter {
  const { batchSize, bufferLimit, stallSeconds, durability } = config.ledger;
  const sync = durability === 'sync';
  const spool = spoolDir(config.paths.data);
  if (!sync) TrafficJournal.recover(journalDir(config.paths.data), spool);
  return new TrafficWriter(store, { batchSize, flushIntervalMs, bufferLimit, stallMs: stallSeconds * 1000 }, new TrafficSpool(spool, { sync }), metrics, {
    quarantine,
    journal: sync ? new TrafficJournal(journalDir(config.paths.data), spool) : null,
  }).start();
}

export interface LedgerOptions {
  /**
   * Where the broker's traffic records go: a sink given here (the Kafka
   * publisher, or a memory sink in tests), the ledger writer when undefined,
   * or nowhere when null (a process without the broker).
   */
  sink?: TrafficSink | null;
}

/** The traffic ledger: its store, its repository, and the sink the inquiry path records into. */
@Module({})
export class LedgerModule implements OnApplicationShutdown {
  constructor(
    @Inject(TRAFFIC_SINK) private readonly sink: TrafficSink | null,
    @Inject(LEDGER_SQL) private readonly sql: SqlClient,
  ) {}

  static forRoot(options: LedgerOptions = {}): DynamicModule {
    return {
      module: LedgerModule,
      global: true,
      providers: [
        {
          provide: LEDGER_SQL,
          inject: [NIX_CONFIG],
          useFactory: (config: NixConfig) => new LedgerStore({ databaseUrl: config.database.url, dataDir: config.paths.data }),
        },
        { provide: TrafficRepository, inject: [LEDGER_SQL], useFactory: (sql: SqlClient) => new TrafficRepository(sql) },
        {
          provide: TRAFFIC_SINK,
          inject: [TrafficRepository, NIX_CONFIG, METRICS],
          useFactory: (repository: TrafficRepository, config: NixConfig, metrics: NixMetrics) =>
            options.sink !== undefined
              ? options.sink
              : startTrafficWriter(
                  repository,
                  config,
                  metrics,
                  undefined,
                  new FallbackTrafficQuarantine(new SqlTrafficQuarantine(repository.sql), new FileTrafficQuarantine(quarantineDir(config.paths.data))),
                ),
        },
        LedgerRetention,
      ],
      exports: [TRAFFIC_SINK, TrafficRepository, LEDGER_SQL],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    // In-flight inquiries are drained before this; their records are flushed, then the store closes.
    if (this.sink instanceof TrafficWriter) await this.sink.close();
    else await this.sink?.flush();
    await this.sql.close();
  }
}
