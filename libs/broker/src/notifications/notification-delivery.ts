import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { NixConfig } from '@nix/config';
import type { NotificationCenter } from '@nix/notifications';
import { LOGGER, NIX_CONFIG } from '@nix/platform';
import type { Logger } from 'pino';
import { NOTIFICATION_CENTER } from './notifications.service';

/** How often due webhook deliveries are looked for (also right after an event is published). */
const DELIVERY_POLL_MS = 500;
/** How often notifications past retention are dropped. */
const EXPIRY_EVERY_MS = 60 * 60 * 1000;

/**
 * Sends pending notifications to agencies' webhooks, and drops those past retention. The pending rows are the queue,
 * so what was due when a broker stopped is sent after it starts again (at least once).
 */
@Injectable()
export class NotificationDelivery implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private lastExpiry = 0;
  private stopped = false;

  constructor(
    @Inject(NOTIFICATION_CENTER) private readonly center: NotificationCenter | null,
    @Inject(NIX_CONFIG) private readonly config: NixConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.center) return;
    this.timer = setInterval(() => this.kick(), DELIVERY_POLL_MS);
    this.timer.unref();
  }

  /** Looks for due deliveries now (an event was just published). */
  kick(): void {
    if (!this.center || this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private async round(): Promise<void> {
    const center = this.center!;
    try {
      while (!this.stopped && (await center.deliverDue(100)) === 100);
      if (Date.now() - this.lastExpiry > EXPIRY_EVERY_MS) {
        this.lastExpiry = Date.now();
        const expired = await center.expire(this.config.notifications.retentionDays, this.config.ledger.retentionMonths);
        if (expired > 0) this.logger.warn({ expired }, 'notifications dropped unacknowledged after retention');
      }
    } catch (error) {
      // The store is down or closing: the rows stay queued and the next round tries again.
      this.logger.warn({ err: { message: (error as Error).message } }, 'notification delivery round failed');
    }
  }
}
