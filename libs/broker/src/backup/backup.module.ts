import type { IncomingMessage, ServerResponse } from 'node:http';
import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { ProblemError, type Clock } from '@nix/domain';
import { TRAFFIC_SINK, type LedgerStore, type TrafficSink } from '@nix/ledger';
import { CLOCK, LEDGER_STORE, LOGGER, MetricsListener, MetricsModule } from '@nix/platform';
import type { Logger } from 'pino';
import { ExchangeRecorder } from '../inquiry/exchange-recorder';
import { InquiryModule } from '../inquiry/inquiry.module';

/** How long a backup waits for the exchanges received before it to be recorded. */
const SETTLE_MS = 5000;

/**
 * POST /ops/backup on the metrics listener (never the API port; loopback or NIX_OPS_TOKEN): a consistent snapshot of
 * the embedded store, taken by the process that holds it (PGlite is one process's). `npm run backup` calls it.
 *
 * What it holds: every exchange received before the call is recorded first (the recorder settles it, the sink
 * flushes it), and governance changes are committed before their API answers; then PGlite copies its data
 * directory while it holds its statement lock, so the archive is the state after one committed statement and before
 * the next: a crash-consistent image that PostgreSQL's recovery opens as exactly those transactions.
 */
@Injectable()
export class EmbeddedBackup implements OnModuleInit {
  constructor(
    private readonly listener: MetricsListener,
    private readonly recorder: ExchangeRecorder,
    @Inject(TRAFFIC_SINK) private readonly sink: TrafficSink | null,
    @Inject(LEDGER_STORE) private readonly store: LedgerStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.listener.addRoute({ method: 'POST', path: '/ops/backup', handle: (request, response) => this.backup(request, response) });
  }

  async backup(_request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.store.kind !== 'pglite') {
      throw new ProblemError('backup-not-embedded', 'This ledger is in PostgreSQL: back it up with pg_basebackup and WAL archiving (deploy/postgres/README.md).');
    }
    if (!this.store.isReady) throw new ProblemError('ledger-unavailable', 'The embedded store is not open yet; try again shortly.', { retryAfterSeconds: 5 });
    const cutoff = this.clock.now();
    const started = Date.now();
    const settled = await this.recorder.settledBefore(cutoff, SETTLE_MS);
    await this.sink?.flush();
    const archive = await this.store.snapshot();
    const ms = Date.now() - started;
    this.logger.info({ bytes: archive.length, ms, settled }, 'embedded store backed up');
    response.writeHead(200, {
      'content-type': 'application/gzip',
      'content-length': String(archive.length),
      'cache-control': 'no-store',
      // Exchanges received up to this instant are in the archive (unless settled is false: then the log says so).
      'x-nix-backup-cutoff': new Date(cutoff).toISOString(),
      'x-nix-backup-settled': String(settled),
    });
    response.end(archive);
  }
}

/** The embedded store's backup call (see EmbeddedBackup). */
@Module({ imports: [MetricsModule, InquiryModule], providers: [EmbeddedBackup] })
export class BackupModule {}
