import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EventTypeCatalog, LiveCatalog } from '@nix/catalog';
import type { NixConfig } from '@nix/config';
import type { Clock } from '@nix/domain';
import { createKafka, kafkaSettingsOf, KafkaEventConsumer, PayloadSealer } from '@nix/messaging';
import type { NotificationCenter } from '@nix/notifications';
import { CLOCK, LOGGER, NIX_CONFIG, READINESS_CHECKS, SERVICE_CATALOG, type ReadinessChecks, type ReadinessReport } from '@nix/platform';
import type { Logger } from 'pino';
import { NotificationDelivery } from './notification-delivery';
import { EVENT_TYPES } from './event-types.token';
import { NOTIFICATION_CENTER } from './notifications.service';

/**
 * Readiness of the event consumers: a registry whose consumer is out of its group is reported (degraded), never
 * unready. Its events wait on the topic and are read when the consumer is back (KeptConsumer rejoins by itself), and
 * everything else the broker serves (inquiries, pull, POST /v1/events) goes on; taking the broker out of the
 * balancer for it would refuse all of that and bring the events no sooner.
 */
export function eventConsumerReadiness(states: Record<string, boolean>): ReadinessReport {
  const consumers = Object.fromEntries(Object.entries(states).map(([registry, running]) => [registry, running ? 'running' : 'not in its group']));
  const notRunning = Object.keys(states).filter((registry) => !states[registry]).sort();
  return { up: true, details: { consumers, ...(notRunning.length > 0 ? { degraded: true, notRunning } : {}) } };
}

/**
 * Custodians' events over Kafka (NIX_TRANSPORT=kafka): each registry with event types has a topic its custodian's
 * adapter writes (nix.event.<registry>.v1, sealed like inquiries); brokers read it in one group and publish each event
 * as POST /v1/events would. The topic's write access is the custodian's (Kafka ACLs), so the custodian is the
 * registry's. An event that is not catalogued or not valid is skipped and logged (pointers only, never a value).
 */
@Injectable()
export class NotificationEvents implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer: KafkaEventConsumer | null = null;

  constructor(
    @Inject(NIX_CONFIG) private readonly config: NixConfig,
    @Inject(EVENT_TYPES) private readonly eventTypes: EventTypeCatalog,
    @Inject(NOTIFICATION_CENTER) private readonly center: NotificationCenter | null,
    @Inject(SERVICE_CATALOG) private readonly catalog: LiveCatalog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly delivery: NotificationDelivery,
    @Inject(READINESS_CHECKS) private readonly readiness: ReadinessChecks,
  ) {}

  onApplicationBootstrap(): void {
    const center = this.center;
    if (this.config.transport !== 'kafka' || !center || this.config.kafka.payloadKeys.length === 0) return;
    const registries = [...new Set(this.eventTypes.eventTypes.map((t) => t.registry))];
    if (registries.length === 0) return;
    const settings = kafkaSettingsOf(this.config);
    const log = this.logger.child({ component: 'notification-events' });
    this.consumer = new KafkaEventConsumer(
      createKafka(settings, log, 'events'),
      settings,
      new PayloadSealer(this.config.kafka.payloadKeys),
      async (registry, event) => {
        const type = this.eventTypes.get(registry, event.eventType);
        if (!type) return void log.warn({ registry, eventType: event.eventType.slice(0, 64) }, 'an event of an uncatalogued type on Kafka; skipped');
        const errors = type.validate(event.body);
        if (errors.length > 0) return void log.warn({ registry, eventType: type.eventType, errors }, 'an invalid event on Kafka; skipped');
        const body = event.body as { nationalId: string; changedOn: string };
        const custodian = this.catalog.registry(registry)?.custodian ?? type.custodian;
        await center.publish(custodian, registry, type.eventType, [{ eventId: event.eventId, nationalId: body.nationalId, changedOn: body.changedOn }]);
        this.delivery.kick();
      },
      log,
      this.clock,
    );
    this.consumer.start(registries);
    const consumer = this.consumer;
    this.readiness.add({ name: 'events', probe: () => eventConsumerReadiness(consumer.states()) });
  }

  /** Resolves once the broker reads every event topic (tests wait for it). */
  whenRunning(): Promise<void> {
    return this.consumer?.whenRunning() ?? Promise.resolve();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.close();
  }
}
