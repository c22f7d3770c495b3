import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { EventTypeCatalog, EventTypeDefinition, LiveCatalog } from '@nix/catalog';
import { DayTracker, ProblemError, type Agency, type Clock } from '@nix/domain';
import type { NotificationCenter } from '@nix/notifications';
import { CLOCK, ClientCertificates, SERVICE_CATALOG } from '@nix/platform';
import { AccessService } from '../access/access.service';
import { EVENT_TYPES } from './event-types.token';

/** The notification center, or null where its keys are not configured (production without them): every call is a 503. */
export const NOTIFICATION_CENTER = Symbol('NOTIFICATION_CENTER');

/** An event type as GET /v1/event-types lists it. */
export interface EventTypeEntry {
  eventType: string;
  registry: string;
  name: string;
  version: string;
  custodian: string;
  title: { fa: string; en: string };
  description: { fa: string; en: string };
  href: string;
  subscribe: string;
  schema: Record<string, unknown>;
}

/** Who may do what with events, subscriptions and notifications: custodians publish, agencies with an agreement subscribe (R6). */
@Injectable()
export class NotificationsService {
  private readonly days = new DayTracker();

  constructor(
    @Inject(EVENT_TYPES) private readonly eventTypes: EventTypeCatalog,
    @Inject(NOTIFICATION_CENTER) private readonly notifications: NotificationCenter | null,
    @Inject(SERVICE_CATALOG) private readonly catalog: LiveCatalog,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly access: AccessService,
    private readonly certificates: ClientCertificates,
  ) {}

  list(): EventTypeEntry[] {
    return this.eventTypes.eventTypes.map((t) => ({
      eventType: `${t.registry}/${t.eventType}`,
      registry: t.registry,
      name: t.eventType,
      version: t.version,
      custodian: this.custodianOf(t),
      title: t.title,
      description: t.description,
      href: `/v1/events/${t.registry}/${t.eventType}`,
      subscribe: `/v1/subscriptions/${t.registry}/${t.eventType}`,
      schema: t.schema,
    }));
  }

  /** The catalogued event type, or 404. */
  eventType(registry: string, eventType: string): EventTypeDefinition {
    const type = this.eventTypes.get(registry, eventType);
    if (!type) throw new ProblemError('unknown-event-type', `No event type ${registry}/${eventType} is catalogued; GET /v1/event-types lists them.`);
    return type;
  }

  /** The center, or 503 where notifications are not configured. */
  center(): NotificationCenter {
    if (!this.notifications) {
      throw new ProblemError('notifications-unavailable', 'Notifications are not configured on this broker (NIX_SUBSCRIPTION_KEY and NIX_NOTIFICATION_KEYS).', { retryAfterSeconds: 60 });
    }
    return this.notifications;
  }

  caller(request: FastifyRequest): Agency {
    return this.access.authenticate(request.headers.authorization, request.ip, this.today(), undefined, this.certificates.presentedBy(request));
  }

  /** The caller, if it is the registry's custodian (the live catalogue's, as publishing versions needs); 403 otherwise. */
  custodian(request: FastifyRequest, type: EventTypeDefinition): Agency {
    const agency = this.caller(request);
    const custodian = this.custodianOf(type);
    if (agency.id !== custodian) {
      throw new ProblemError('not-permitted', `Only ${custodian}, the custodian of registry ${type.registry}, publishes its events; agency ${agency.id} is not.`);
    }
    return agency;
  }

  /** The caller, if an agreement in force covers the event type (R6); 403 naming what is missing otherwise. */
  subscriber(request: FastifyRequest, type: EventTypeDefinition): Agency {
    const agency = this.caller(request);
    this.access.coverEvents(agency, type.registry, type.eventType, this.today());
    return agency;
  }

  private custodianOf(type: EventTypeDefinition): string {
    return this.catalog.registry(type.registry)?.custodian ?? type.custodian;
  }

  private today(): string {
    return this.days.at(this.clock.now()).date;
  }
}
