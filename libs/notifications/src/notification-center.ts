import { dayOf, type Clock, type ExchangeIdGenerator } from '@nix/domain';
import { retryDelayMs } from './delivery-backoff';
import type { NotificationContent, NotificationSealer } from './notification-sealer';
import type { DeliveryRecord, NotificationStore, PendingNotification, PublishedEvent } from './notification-store';
import type { SubscriptionPseudonyms } from './pseudonyms';
import { newWebhookSecret, signWebhook } from './webhook-signature';
import { webhookUrlProblem, type ResolveHost, type WebhookUrlRules } from './webhook-url';

/** What an agency receives for one matched event, and nothing more (R18). */
export interface Notification {
  eventId: string;
  /** `registry/eventType`, e.g. `identity/person-changed`. */
  eventType: string;
  nationalId: string;
  changedOn: string;
}

/** Posts one webhook call; answers the status, or throws when nothing came back (refused, reset, timed out). */
export type WebhookPost = (url: string, headers: Record<string, string>, body: string) => Promise<number>;

/** Counts what happens, for metrics (labels bounded: registries, event types, channels, outcomes; never an identifier). */
export interface NotificationObserver {
  published(registry: string, eventType: string, events: number): void;
  delivered(channel: 'pull' | 'webhook', outcome: string, count: number): void;
}

/**
 * How one delivery attempt ended, as records and metric labels name it (a bounded set, never a URL or an identifier):
 * `ok`; the webhook answered another status (`http-3xx`, `http-4xx`, `http-5xx`); it did not answer in time
 * (`timeout`); its host refused the connection (`connection-refused`), or the URL failed its check again before the
 * call: the host resolves to an address that is not allowed, or does not resolve (`refused-address`); or the connection failed otherwise (`network-error`).
 */
export type DeliveryOutcome = 'ok' | 'http-1xx' | 'http-3xx' | 'http-4xx' | 'http-5xx' | 'timeout' | 'connection-refused' | 'refused-address' | 'network-error';

export function outcomeOfStatus(status: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return 'ok';
  const kind = Math.floor(status / 100);
  return kind === 1 || kind === 3 || kind === 4 ? (`http-${kind}xx` as DeliveryOutcome) : 'http-5xx';
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

export function outcomeOfError(error: unknown): DeliveryOutcome {
  const { code, name } = (error ?? {}) as { code?: string; name?: string };
  if ((code && TIMEOUT_CODES.has(code)) || name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  if (code === 'ECONNREFUSED') return 'connection-refused';
  if (code === 'EADDRNOTPUBLIC') return 'refused-address';
  return 'network-error';
}

const UNOBSERVED: NotificationObserver = { published: () => undefined, delivered: () => undefined };

export interface WebhookSettings {
  rules: WebhookUrlRules;
  resolve: ResolveHost;
  post: WebhookPost;
}

/** How long a broker holds a claimed delivery before another may send it (a crash mid-call). */
const DELIVERY_LEASE_MS = 60_000;

/**
 * Identity-change notifications as plain logic over its ports: custodians publish events, agencies subscribe persons
 * by pseudonym, matched events queue sealed notifications that agencies pull and acknowledge or receive on a signed
 * webhook, at least once. Access (custodian, agreement) is decided by the caller before these run.
 */
export class NotificationCenter {
  constructor(
    private readonly store: NotificationStore,
    private readonly pseudonyms: SubscriptionPseudonyms,
    private readonly sealer: NotificationSealer,
    private readonly clock: Clock,
    private readonly ids: ExchangeIdGenerator,
    private readonly webhooks: WebhookSettings,
    private readonly observer: NotificationObserver = UNOBSERVED,
  ) {}

  /**
   * Publishes checked events: each gets an ID (or keeps the one it came with, from Kafka: publishing it again adds
   * nothing), and each agency subscribed to its person a sealed notification.
   */
  async publish(custodian: string, registry: string, eventType: string, events: readonly (NotificationContent & { eventId?: string })[]): Promise<{ eventIds: string[]; matched: number }> {
    const current = events.map((e) => this.pseudonyms.of(registry, e.nationalId));
    // During a key rotation each person is also looked up under the older keys; whom that finds is re-keyed.
    const previous = this.pseudonyms.rotating ? events.map((e) => this.pseudonyms.previousOf(registry, e.nationalId)) : [];
    // Each pseudonym names the events of its person (a batch may hold several for one person).
    const eventsOf = new Map<string, number[]>();
    const add = (p: Buffer, i: number) => eventsOf.set(p.toString('hex'), [...(eventsOf.get(p.toString('hex')) ?? []), i]);
    current.forEach((p, i) => add(p, i));
    previous.forEach((ps, i) => ps.forEach((p) => add(p, i)));
    const matches = await this.store.match(registry, eventType, [...eventsOf.keys()].map((hex) => Buffer.from(hex, 'hex')));
    const agenciesOf = new Map<number, Set<string>>();
    const rekeyed = new Map<string, { agency: string; from: Buffer; to: Buffer }>();
    for (const m of matches) {
      for (const i of eventsOf.get(m.pseudonym) ?? []) {
        agenciesOf.set(i, (agenciesOf.get(i) ?? new Set()).add(m.agency));
        if (m.pseudonym !== current[i].toString('hex')) rekeyed.set(`${m.agency}\0${m.pseudonym}`, { agency: m.agency, from: Buffer.from(m.pseudonym, 'hex'), to: current[i] });
      }
    }
    const publishedAt = this.clock.now();
    const published: PublishedEvent[] = events.map((content, i) => {
      const eventId = content.eventId ?? this.ids.next();
      const agencies = [...(agenciesOf.get(i) ?? [])];
      return {
        eventId,
        registry,
        eventType,
        custodian,
        publishedAt,
        deliveries: agencies.map((agency) => ({ agency, sealed: this.sealer.seal({ nationalId: content.nationalId, changedOn: content.changedOn }, eventId, agency) })),
      };
    });
    await this.store.publish(published);
    // Re-keying is lazy and may wait: the event is published already, and the person is matched under the old key next time.
    if (rekeyed.size > 0) await this.store.rekey(registry, eventType, [...rekeyed.values()]).catch(() => undefined);
    this.observer.published(registry, eventType, published.length);
    return { eventIds: published.map((e) => e.eventId), matched: published.reduce((n, e) => n + e.deliveries.length, 0) };
  }

  /**
   * Subscribes persons; answers how many were not subscribed before. During a key rotation a person subscribed under
   * an older key is re-keyed to the current one (and is not counted as added).
   */
  async subscribe(agency: string, registry: string, eventType: string, nationalIds: readonly string[]): Promise<number> {
    const persons = [...new Set(nationalIds)];
    const current = persons.map((id) => this.pseudonyms.of(registry, id));
    if (!this.pseudonyms.rotating) return this.store.subscribe(agency, registry, eventType, current);
    const previous = persons.map((id) => this.pseudonyms.previousOf(registry, id));
    const inserted = new Set(await this.store.insertPseudonyms(agency, registry, eventType, current));
    const removed = new Set(await this.store.removePseudonyms(agency, registry, eventType, previous.flat()));
    return persons.filter((_, i) => inserted.has(current[i].toString('hex')) && !previous[i].some((p) => removed.has(p.toString('hex')))).length;
  }

  /** Unsubscribes persons (under every key in use); answers how many were subscribed. */
  async unsubscribe(agency: string, registry: string, eventType: string, nationalIds: readonly string[]): Promise<number> {
    const persons = [...new Set(nationalIds)];
    if (!this.pseudonyms.rotating) return this.store.unsubscribe(agency, registry, eventType, persons.map((id) => this.pseudonyms.of(registry, id)));
    const pseudonyms = persons.map((id) => [this.pseudonyms.of(registry, id), ...this.pseudonyms.previousOf(registry, id)]);
    const removed = new Set(await this.store.removePseudonyms(agency, registry, eventType, pseudonyms.flat()));
    return pseudonyms.filter((ps) => ps.some((p) => removed.has(p.toString('hex')))).length;
  }

  /** An agency's pending notifications after the cursor, opened; the cursor to ask with next. */
  async pull(agency: string, after: string, limit: number): Promise<{ notifications: Notification[]; cursor: string }> {
    const pending = await this.store.pending(agency, after, limit);
    return { notifications: pending.map((p) => this.notificationOf(p)), cursor: pending.at(-1)?.seq ?? after };
  }

  /** Deletes the acknowledged notifications and records their deliveries; answers how many there were. */
  async acknowledge(agency: string, eventIds: readonly string[]): Promise<number> {
    const gone = await this.store.acknowledge(agency, eventIds);
    const at = this.clock.now();
    await this.store.recordDeliveries(gone.map((p) => this.deliveryOf(p, 'pull', at)));
    if (gone.length > 0) this.observer.delivered('pull', 'ok', gone.length);
    return gone.length;
  }

  /** Registers (or replaces) an agency's webhook after the SSRF checks; answers its new signing secret, shown once. */
  async registerWebhook(agency: string, url: string): Promise<{ url: string; secret: string } | { problem: { pointer: string; detail: string } }> {
    const problem = await webhookUrlProblem(url, this.webhooks.rules, this.webhooks.resolve);
    if (problem) return { problem };
    const secret = newWebhookSecret();
    await this.store.setWebhook(agency, url, this.sealer.sealSecret(secret, agency), this.clock.now());
    return { url, secret };
  }

  webhookOf(agency: string): Promise<{ url: string; registeredAt: number } | null> {
    return this.store.webhookOf(agency);
  }

  deleteWebhook(agency: string): Promise<boolean> {
    return this.store.deleteWebhook(agency);
  }

  /**
   * Sends the notifications due for webhooks, each once; a 2xx deletes it and records its delivery, anything else
   * schedules the next attempt after an exponential backoff. Answers how many were delivered.
   */
  async deliverDue(limit = 100): Promise<number> {
    const now = this.clock.now();
    const due = await this.store.claimDue(now, now + DELIVERY_LEASE_MS, limit);
    let delivered = 0;
    await Promise.all(
      due.map(async (d) => {
        const outcome = await this.send(d.url, d.agency, d.secret, this.notificationOf(d));
        this.observer.delivered('webhook', outcome, 1);
        // Every attempt is a delivery record, the failed ones with why they failed and how long after publication.
        const record = this.deliveryOf(d, 'webhook', this.clock.now(), outcome);
        if (outcome === 'ok') {
          await this.store.delivered(d.seq, record);
          delivered++;
        } else {
          await this.store.failed(d.seq, d.attempts + 1, this.clock.now() + retryDelayMs(d.attempts + 1), record);
        }
      }),
    );
    return delivered;
  }

  /**
   * Drops notifications past retention, counted per agency for the compliance report; with `trafficMonths`, also the
   * metadata of events and deliveries older than that (as the ledger drops its raw records).
   */
  expire(retentionDays: number, trafficMonths?: number): Promise<number> {
    const now = this.clock.now();
    const trafficCutoff = trafficMonths === undefined ? undefined : now - trafficMonths * 31 * 86_400_000;
    return this.store.expire(now - retentionDays * 86_400_000, dayOf(now).date, trafficCutoff);
  }

  private async send(url: string, agency: string, sealedSecret: { keyId: string; value: Buffer }, notification: Notification): Promise<DeliveryOutcome> {
    // Checked again at each delivery: a name may resolve to another address than when it was registered.
    const problem = await webhookUrlProblem(url, this.webhooks.rules, this.webhooks.resolve);
    if (problem) return 'refused-address';
    const body = JSON.stringify(notification);
    const headers = { 'content-type': 'application/json', ...signWebhook(this.sealer.openSecret(sealedSecret, agency), notification.eventId, Math.floor(this.clock.now() / 1000), body) };
    try {
      return outcomeOfStatus(await this.webhooks.post(url, headers, body));
    } catch (error) {
      return outcomeOfError(error);
    }
  }

  private notificationOf(p: PendingNotification): Notification {
    const content = this.sealer.open(p.sealed, p.eventId, p.agency);
    return { eventId: p.eventId, eventType: `${p.registry}/${p.eventType}`, nationalId: content.nationalId, changedOn: content.changedOn };
  }

  private deliveryOf(p: PendingNotification, channel: 'pull' | 'webhook', at: number, outcome: DeliveryOutcome = 'ok'): DeliveryRecord {
    return {
      outcome,
      eventId: p.eventId,
      agency: p.agency,
      registry: p.registry,
      eventType: p.eventType,
      custodian: p.custodian,
      channel,
      at,
      latencyMs: Math.max(0, at - p.publishedAt),
      sameDay: dayOf(p.publishedAt).date === dayOf(at).date,
    };
  }
}
