import type { SqlClient } from '@nix/ledger';
import type { SealedNotification } from './notification-sealer';

/** One notification queued for an agency: sealed content, and the metadata that routes and times it. */
export interface PendingNotification {
  seq: string;
  eventId: string;
  agency: string;
  registry: string;
  eventType: string;
  custodian: string;
  sealed: SealedNotification;
  publishedAt: number;
  attempts: number;
}

/** A pending notification due for its webhook, with the webhook it goes to. */
export interface DueDelivery extends PendingNotification {
  url: string;
  secret: SealedNotification;
}

/** An event as published: who, what type, and for each matched agency its sealed notification. */
export interface PublishedEvent {
  eventId: string;
  registry: string;
  eventType: string;
  custodian: string;
  publishedAt: number;
  deliveries: { agency: string; sealed: SealedNotification }[];
}

/** A delivery as the ledger of notifications records it: metadata only. */
export interface DeliveryRecord {
  eventId: string;
  agency: string;
  registry: string;
  eventType: string;
  custodian: string;
  channel: 'pull' | 'webhook';
  /** `ok` for a delivery; for a failed webhook attempt, why (a DeliveryOutcome). */
  outcome: string;
  at: number;
  latencyMs: number;
  sameDay: boolean;
}

export interface NotificationCounts {
  agency: string;
  events: number;
  /** Notifications delivered (outcome ok). */
  deliveries: number;
  /** Of those, delivered the Tehran day their event was published. */
  sameDay: number;
  /** Webhook attempts that failed (each is tried again until it is delivered or lapses). */
  failedAttempts: number;
}

interface PendingRow {
  seq: string;
  event_id: string;
  agency: string;
  registry: string;
  event_type: string;
  custodian: string;
  key_id: string;
  sealed: Buffer | Uint8Array;
  published_at: Date | string;
  attempts: number;
  url?: string;
  secret_key_id?: string;
  sealed_secret?: Buffer | Uint8Array;
}

const hex = (values: readonly Buffer[]) => values.map((v) => v.toString('hex'));
const time = (value: Date | string) => new Date(value).getTime();
const iso = (ms: number) => new Date(ms).toISOString();

function pendingOf(row: PendingRow): PendingNotification {
  return {
    seq: String(row.seq),
    eventId: row.event_id,
    agency: row.agency,
    registry: row.registry,
    eventType: row.event_type,
    custodian: row.custodian,
    sealed: { keyId: row.key_id, value: Buffer.from(row.sealed) },
    publishedAt: time(row.published_at),
    attempts: Number(row.attempts),
  };
}

/**
 * The notification tables of migration 0011 (PostgreSQL or PGlite): subscriptions as pseudonyms, the queue of sealed
 * notifications, webhooks, and the metadata of events and deliveries. Each change is one statement, so an event is
 * queued for every matched agency and recorded together, or not at all.
 */
export class NotificationStore {
  constructor(readonly sql: SqlClient) {}

  /** Subscribes pseudonyms in one multi-row statement; answers how many were new. */
  async subscribe(agency: string, registry: string, eventType: string, pseudonyms: readonly Buffer[]): Promise<number> {
    const rows = await this.sql.query<{ n: number }>(
      `WITH added AS (
         INSERT INTO notification_subscription (registry, event_type, pseudonym, agency)
         SELECT $1, $2, decode(p, 'hex'), $3 FROM unnest($4::text[]) AS p
         ON CONFLICT DO NOTHING RETURNING 1)
       SELECT count(*)::int AS n FROM added`,
      [registry, eventType, agency, hex(pseudonyms)],
    );
    return Number(rows[0].n);
  }

  async unsubscribe(agency: string, registry: string, eventType: string, pseudonyms: readonly Buffer[]): Promise<number> {
    const rows = await this.sql.query<{ n: number }>(
      `WITH removed AS (
         DELETE FROM notification_subscription
         WHERE registry = $1 AND event_type = $2 AND agency = $3 AND pseudonym = ANY (ARRAY(SELECT decode(p, 'hex') FROM unnest($4::text[]) AS p))
         RETURNING 1)
       SELECT count(*)::int AS n FROM removed`,
      [registry, eventType, agency, hex(pseudonyms)],
    );
    return Number(rows[0].n);
  }

  /** Subscribes pseudonyms; answers those that were new (hex). */
  async insertPseudonyms(agency: string, registry: string, eventType: string, pseudonyms: readonly Buffer[]): Promise<string[]> {
    const rows = await this.sql.query<{ p: string }>(
      `INSERT INTO notification_subscription (registry, event_type, pseudonym, agency)
       SELECT $1, $2, decode(p, 'hex'), $3 FROM unnest($4::text[]) AS p
       ON CONFLICT DO NOTHING RETURNING encode(pseudonym, 'hex') AS p`,
      [registry, eventType, agency, hex(pseudonyms)],
    );
    return rows.map((r) => r.p);
  }

  /** Unsubscribes pseudonyms; answers those that were subscribed (hex). */
  async removePseudonyms(agency: string, registry: string, eventType: string, pseudonyms: readonly Buffer[]): Promise<string[]> {
    if (pseudonyms.length === 0) return [];
    const rows = await this.sql.query<{ p: string }>(
      `DELETE FROM notification_subscription
       WHERE registry = $1 AND event_type = $2 AND agency = $3 AND pseudonym = ANY (ARRAY(SELECT decode(p, 'hex') FROM unnest($4::text[]) AS p))
       RETURNING encode(pseudonym, 'hex') AS p`,
      [registry, eventType, agency, hex(pseudonyms)],
    );
    return rows.map((r) => r.p);
  }

  /** Moves subscriptions found under an older key to the current key's pseudonym, in one statement (a rotation). */
  async rekey(registry: string, eventType: string, moves: readonly { agency: string; from: Buffer; to: Buffer }[]): Promise<void> {
    await this.sql.query(
      `WITH moves AS (SELECT * FROM unnest($3::text[], $4::text[], $5::text[]) AS m (agency, old, new)),
       gone AS (
         DELETE FROM notification_subscription s USING moves
         WHERE s.registry = $1 AND s.event_type = $2 AND s.agency = moves.agency AND s.pseudonym = decode(moves.old, 'hex')
         RETURNING moves.agency, moves.new)
       INSERT INTO notification_subscription (registry, event_type, pseudonym, agency)
       SELECT $1, $2, decode(new, 'hex'), agency FROM gone ON CONFLICT DO NOTHING`,
      [registry, eventType, moves.map((m) => m.agency), hex(moves.map((m) => m.from)), hex(moves.map((m) => m.to))],
    );
  }

  /**
   * The agencies subscribed to each pseudonym: an index scan of the primary key for the array (ARRAY(...) makes it one
   * value, where `= ANY (SELECT ...)` let the planner join against the whole table).
   */
  async match(registry: string, eventType: string, pseudonyms: readonly Buffer[]): Promise<{ pseudonym: string; agency: string }[]> {
    return this.sql.query<{ pseudonym: string; agency: string }>(
      `SELECT encode(pseudonym, 'hex') AS pseudonym, agency FROM notification_subscription
       WHERE registry = $1 AND event_type = $2 AND pseudonym = ANY (ARRAY(SELECT decode(p, 'hex') FROM unnest($3::text[]) AS p))`,
      [registry, eventType, hex(pseudonyms)],
    );
  }

  /**
   * Queues the events' notifications and records each event, in one statement (a data-modifying WITH always runs).
   * An event published again (Kafka's at-least-once) adds nothing.
   */
  async publish(events: readonly PublishedEvent[]): Promise<void> {
    const queued = events.flatMap((e) => e.deliveries.map((d) => ({ e, d })));
    await this.sql.query(
      `WITH queued AS (
         INSERT INTO notification_pending (event_id, agency, registry, event_type, custodian, key_id, sealed, published_at, next_attempt_at)
         SELECT q.event_id, q.agency, q.registry, q.event_type, q.custodian, q.key_id, decode(q.sealed, 'hex'), q.at, q.at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
           AS q (event_id, agency, registry, event_type, custodian, key_id, sealed, at)
         ON CONFLICT (agency, event_id) DO NOTHING
         RETURNING 1)
       INSERT INTO notification_traffic (kind, at, event_id, registry, event_type, custodian, outcome, matched)
       SELECT 'event', e.at, e.event_id, e.registry, e.event_type, e.custodian, 'ok', e.matched
       FROM unnest($9::uuid[], $10::text[], $11::text[], $12::text[], $13::timestamptz[], $14::int[])
         AS e (event_id, registry, event_type, custodian, at, matched)
       ON CONFLICT (event_id) WHERE kind = 'event' DO NOTHING`,
      [
        queued.map((q) => q.e.eventId),
        queued.map((q) => q.d.agency),
        queued.map((q) => q.e.registry),
        queued.map((q) => q.e.eventType),
        queued.map((q) => q.e.custodian),
        queued.map((q) => q.d.sealed.keyId),
        queued.map((q) => q.d.sealed.value.toString('hex')),
        queued.map((q) => iso(q.e.publishedAt)),
        events.map((e) => e.eventId),
        events.map((e) => e.registry),
        events.map((e) => e.eventType),
        events.map((e) => e.custodian),
        events.map((e) => iso(e.publishedAt)),
        events.map((e) => e.deliveries.length),
      ],
    );
  }

  /** An agency's pending notifications after a cursor (a queue sequence), oldest first. */
  async pending(agency: string, afterSeq: string, limit: number): Promise<PendingNotification[]> {
    const rows = await this.sql.query<PendingRow>(
      `SELECT seq::text AS seq, event_id::text AS event_id, agency, registry, event_type, custodian, key_id, sealed, published_at, attempts
       FROM notification_pending WHERE agency = $1 AND seq > $2::bigint ORDER BY seq LIMIT $3`,
      [agency, afterSeq, limit],
    );
    return rows.map(pendingOf);
  }

  /** Deletes an agency's acknowledged notifications; answers those deleted, for their delivery records. */
  async acknowledge(agency: string, eventIds: readonly string[]): Promise<PendingNotification[]> {
    const rows = await this.sql.query<PendingRow>(
      `DELETE FROM notification_pending WHERE agency = $1 AND event_id = ANY ($2::uuid[])
       RETURNING seq::text AS seq, event_id::text AS event_id, agency, registry, event_type, custodian, key_id, sealed, published_at, attempts`,
      [agency, eventIds],
    );
    return rows.map(pendingOf);
  }

  /**
   * Takes up to `limit` notifications due for a webhook, leasing them until `leaseUntil` so that another broker
   * (or this one's next round) does not send them meanwhile; a lease that lapses (a crash) lets them be sent again.
   */
  async claimDue(now: number, leaseUntil: number, limit: number): Promise<DueDelivery[]> {
    const rows = await this.sql.query<PendingRow>(
      `WITH due AS (
         SELECT p.seq FROM notification_pending p JOIN notification_webhook w ON w.agency = p.agency
         WHERE p.next_attempt_at <= $1 ORDER BY p.next_attempt_at LIMIT $3 FOR UPDATE OF p SKIP LOCKED)
       UPDATE notification_pending p SET next_attempt_at = $2 FROM due, notification_webhook w
       WHERE p.seq = due.seq AND w.agency = p.agency
       RETURNING p.seq::text AS seq, p.event_id::text AS event_id, p.agency, p.registry, p.event_type, p.custodian, p.key_id, p.sealed,
         p.published_at, p.attempts, w.url, w.key_id AS secret_key_id, w.sealed_secret`,
      [iso(now), iso(leaseUntil), limit],
    );
    return rows.map((row) => ({ ...pendingOf(row), url: row.url!, secret: { keyId: row.secret_key_id!, value: Buffer.from(row.sealed_secret!) } }));
  }

  /** A webhook accepted the notification: it leaves the queue, and its delivery is recorded, in one statement. */
  async delivered(seq: string, record: DeliveryRecord): Promise<void> {
    await this.sql.query(
      `WITH gone AS (DELETE FROM notification_pending WHERE seq = $1::bigint RETURNING 1)
       INSERT INTO notification_traffic (kind, at, event_id, registry, event_type, custodian, agency, channel, outcome, latency_ms, same_day)
       SELECT 'delivery', $2, $3, $4, $5, $6, $7, 'webhook', 'ok', $8, $9 FROM gone`,
      [seq, iso(record.at), record.eventId, record.registry, record.eventType, record.custodian, record.agency, record.latencyMs, record.sameDay],
    );
  }

  /**
   * A webhook attempt failed: the next is due after the backoff, and the attempt is recorded with why it failed (a
   * DeliveryOutcome, naming no content), in one statement.
   */
  async failed(seq: string, attempts: number, nextAttemptAt: number, record: DeliveryRecord): Promise<void> {
    await this.sql.query(
      `WITH kept AS (UPDATE notification_pending SET attempts = $2, next_attempt_at = $3, last_error = $4 WHERE seq = $1::bigint RETURNING 1)
       INSERT INTO notification_traffic (kind, at, event_id, registry, event_type, custodian, agency, channel, outcome, latency_ms, same_day)
       SELECT 'delivery', $5, $6, $7, $8, $9, $10, 'webhook', $4, $11, $12 FROM kept`,
      [seq, attempts, iso(nextAttemptAt), record.outcome.slice(0, 40), iso(record.at), record.eventId, record.registry, record.eventType, record.custodian, record.agency, record.latencyMs, record.sameDay],
    );
  }

  /** Records deliveries acknowledged by pull. */
  async recordDeliveries(records: readonly DeliveryRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.sql.query(
      `INSERT INTO notification_traffic (kind, at, event_id, registry, event_type, custodian, agency, channel, outcome, latency_ms, same_day)
       SELECT 'delivery', r.at, r.event_id, r.registry, r.event_type, r.custodian, r.agency, r.channel, 'ok', r.latency_ms, r.same_day
       FROM unnest($1::timestamptz[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::boolean[])
         AS r (at, event_id, registry, event_type, custodian, agency, channel, latency_ms, same_day)`,
      [
        records.map((r) => iso(r.at)),
        records.map((r) => r.eventId),
        records.map((r) => r.registry),
        records.map((r) => r.eventType),
        records.map((r) => r.custodian),
        records.map((r) => r.agency),
        records.map((r) => r.channel),
        records.map((r) => r.latencyMs),
        records.map((r) => r.sameDay),
      ],
    );
  }

  async setWebhook(agency: string, url: string, secret: SealedNotification, at: number): Promise<void> {
    await this.sql.query(
      `INSERT INTO notification_webhook (agency, url, key_id, sealed_secret, registered_at) VALUES ($1, $2, $3, decode($4, 'hex'), $5)
       ON CONFLICT (agency) DO UPDATE SET url = EXCLUDED.url, key_id = EXCLUDED.key_id, sealed_secret = EXCLUDED.sealed_secret, registered_at = EXCLUDED.registered_at`,
      [agency, url, secret.keyId, secret.value.toString('hex'), iso(at)],
    );
  }

  async webhookOf(agency: string): Promise<{ url: string; registeredAt: number } | null> {
    const rows = await this.sql.query<{ url: string; registered_at: Date | string }>('SELECT url, registered_at FROM notification_webhook WHERE agency = $1', [agency]);
    return rows[0] ? { url: rows[0].url, registeredAt: time(rows[0].registered_at) } : null;
  }

  async deleteWebhook(agency: string): Promise<boolean> {
    const rows = await this.sql.query('DELETE FROM notification_webhook WHERE agency = $1 RETURNING 1', [agency]);
    return rows.length > 0;
  }

  /**
   * Drops notifications published before the cutoff (retention), counting them per agency on `day` for the
   * compliance report; answers how many went.
   */
  async expire(cutoff: number, day: string, trafficCutoff?: number): Promise<number> {
    // The metadata of events and deliveries is kept as long as the ledger's raw records (NIX_RETENTION_MONTHS).
    if (trafficCutoff !== undefined) await this.sql.query('DELETE FROM notification_traffic WHERE at < $1', [iso(trafficCutoff)]);
    const rows = await this.sql.query<{ n: number }>(
      `WITH gone AS (DELETE FROM notification_pending WHERE published_at < $1 RETURNING agency),
       counted AS (
         INSERT INTO notification_lapse (agency, day, expired) SELECT agency, $2::date, count(*)::int FROM gone GROUP BY agency
         ON CONFLICT (agency, day) DO UPDATE SET expired = notification_lapse.expired + EXCLUDED.expired RETURNING expired)
       SELECT coalesce(sum(expired), 0)::int AS n FROM counted`,
      [iso(cutoff), day],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Events published (per custodian) and deliveries (per receiving agency) in [from, to), with the same-day ones. */
  async counts(from: number, to: number): Promise<NotificationCounts[]> {
    const rows = await this.sql.query<{ agency: string; events: number; deliveries: number; same_day: number; failed: number }>(
      `SELECT CASE WHEN kind = 'event' THEN custodian ELSE agency END AS agency,
         count(*) FILTER (WHERE kind = 'event')::int AS events,
         count(*) FILTER (WHERE kind = 'delivery' AND outcome = 'ok')::int AS deliveries,
         count(*) FILTER (WHERE kind = 'delivery' AND outcome = 'ok' AND same_day)::int AS same_day,
         count(*) FILTER (WHERE kind = 'delivery' AND outcome <> 'ok')::int AS failed
       FROM notification_traffic WHERE at >= $1 AND at < $2 GROUP BY 1 ORDER BY 1`,
      [iso(from), iso(to)],
    );
    return rows.map((r) => ({ agency: r.agency, events: Number(r.events), deliveries: Number(r.deliveries), sameDay: Number(r.same_day), failedAttempts: Number(r.failed) }));
  }

  /** Agencies whose notifications lapsed unacknowledged between the two days (inclusive). */
  async lapses(fromDay: string, toDay: string): Promise<{ agency: string; expired: number }[]> {
    const rows = await this.sql.query<{ agency: string; expired: number }>(
      'SELECT agency, sum(expired)::int AS expired FROM notification_lapse WHERE day >= $1::date AND day <= $2::date GROUP BY agency ORDER BY agency',
      [fromDay, toDay],
    );
    return rows.map((r) => ({ agency: r.agency, expired: Number(r.expired) }));
  }
}
