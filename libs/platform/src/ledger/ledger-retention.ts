import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { NixConfig } from '@nix/config';
import type { Clock } from '@nix/domain';
import { TrafficRepository } from '@nix/ledger';
import type { Logger } from 'pino';
import { CLOCK, LOGGER, NIX_CONFIG } from '../core/tokens';

const DAY_MS = 24 * 3600 * 1000;

/** Keeps raw traffic records for the configured months by dropping whole partitions, once at start and daily. */
@Injectable()
export class LedgerRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly repository: TrafficRepository,
    @Inject(NIX_CONFIG) private readonly config: NixConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    void this.apply();
    this.timer = setInterval(() => void this.apply(), DAY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async apply(): Promise<string[]> {
    const now = this.clock.now();
    const cutoff = DateTime.fromMillis(now, { zone: 'utc' }).startOf('month').minus({ months: this.config.ledger.retentionMonths }).toMillis();
    try {
      await this.repository.ensurePartitionsFor([now, DateTime.fromMillis(now).plus({ months: 1 }).toMillis()]);
      const dropped = await this.repository.dropPartitionsBefore(cutoff);
      if (dropped.length > 0) this.logger.info({ dropped }, 'ledger retention dropped partitions');
      const quarantined = await this.repository.dropQuarantinedBefore(cutoff);
      if (quarantined > 0) this.logger.info({ quarantined }, 'ledger retention dropped quarantined records');
      return dropped;
    } catch (error) {
      this.logger.warn({ err: error }, 'ledger retention could not run; it will try again');
      return [];
    }
  }
}
