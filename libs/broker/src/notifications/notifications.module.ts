import { lookup } from 'node:dns/promises';
import { Module } from '@nestjs/common';
import { Agent, request } from 'undici';
import type { NixConfig } from '@nix/config';
import type { Clock, ExchangeIdGenerator } from '@nix/domain';
import type { SqlClient } from '@nix/ledger';
import { guardedLookup, NotificationCenter, NotificationSealer, NotificationStore, SubscriptionPseudonyms, type WebhookPost } from '@nix/notifications';
import type { NixMetrics } from '@nix/observability';
import { CLOCK, EXCHANGE_IDS, LEDGER_STORE, METRICS, NIX_CONFIG } from '@nix/platform';
import { NotificationDelivery } from './notification-delivery';
import { NotificationEvents } from './notification-events';
import { NotificationsController } from './notifications.controller';
import { GovernanceModule } from '../governance/governance.module';
import { NOTIFICATION_CENTER, NotificationsService } from './notifications.service';

/** A webhook call may take this long before it counts as failed (and is tried again later). */
const WEBHOOK_TIMEOUT_MS = 10_000;

function webhookPost(allowPrivate: boolean): WebhookPost {
  const dispatcher = new Agent({ headersTimeout: WEBHOOK_TIMEOUT_MS, bodyTimeout: WEBHOOK_TIMEOUT_MS, connect: { lookup: guardedLookup(allowPrivate), timeout: WEBHOOK_TIMEOUT_MS } });
  return async (url, headers, body) => {
    const response = await request(url, { method: 'POST', headers, body, dispatcher });
    await response.body.dump();
    return response.statusCode;
  };
}

/** Identity-change notifications (issue 14): event types, events, subscriptions, pull and webhook delivery. */
@Module({
  imports: [GovernanceModule],
  controllers: [NotificationsController],
  providers: [
    {
      provide: NOTIFICATION_CENTER,
      inject: [NIX_CONFIG, LEDGER_STORE, CLOCK, EXCHANGE_IDS, METRICS],
      useFactory: (config: NixConfig, store: SqlClient, clock: Clock, ids: ExchangeIdGenerator, metrics: NixMetrics) => {
        const { subscriptionKey, previousSubscriptionKeys, keys, webhookAllowPrivate } = config.notifications;
        if (!subscriptionKey || keys.length === 0) return null;
        return new NotificationCenter(new NotificationStore(store), new SubscriptionPseudonyms(subscriptionKey, previousSubscriptionKeys), new NotificationSealer(keys), clock, ids, {
          rules: { httpsOnly: config.production, allowPrivate: webhookAllowPrivate },
          resolve: async (host) => (await lookup(host, { all: true })).map((a) => a.address),
          post: webhookPost(webhookAllowPrivate),
        }, {
          published: (registry, eventType, events) => metrics.notificationEvents.inc({ registry, event_type: eventType }, events),
          delivered: (channel, outcome, count) => metrics.notificationDeliveries.inc({ channel, outcome }, count),
        });
      },
    },
    NotificationsService,
    NotificationDelivery,
    NotificationEvents,
  ],
  exports: [NOTIFICATION_CENTER, NotificationEvents],
})
export class NotificationsModule {}
