-- Identity-change notifications (issue 14). Nothing here holds a national ID: subscribed persons are HMAC-SHA-256
-- pseudonyms under a key kept in configuration (NIX_SUBSCRIPTION_KEY), and pending notifications are AES-256-GCM
-- ciphertext under NIX_NOTIFICATION_KEYS, so dead rows left on disk after a delete hold nothing plain either (R3).

-- Who is subscribed to which person's events. The primary key serves the match (registry, event type, pseudonym →
-- agencies) as an index lookup, and makes a repeated subscription a no-op.
CREATE TABLE notification_subscription (
  registry text NOT NULL,
  event_type text NOT NULL,
  pseudonym bytea NOT NULL CHECK (octet_length(pseudonym) = 32),
  agency text NOT NULL,
  PRIMARY KEY (registry, event_type, pseudonym, agency)
);

-- Notifications not yet acknowledged (pull) or delivered (webhook): the delivery queue, so it survives restarts.
CREATE TABLE notification_pending (
  seq bigserial PRIMARY KEY,
  event_id uuid NOT NULL,
  agency text NOT NULL,
  registry text NOT NULL,
  event_type text NOT NULL,
  custodian text NOT NULL,
  key_id text NOT NULL,
  sealed bytea NOT NULL,
  published_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error text,
  UNIQUE (agency, event_id)
);
CREATE INDEX notification_pending_agency ON notification_pending (agency, seq);
CREATE INDEX notification_pending_due ON notification_pending (next_attempt_at);

-- An agency's webhook, with its Standard Webhooks signing secret sealed like a notification.
CREATE TABLE notification_webhook (
  agency text PRIMARY KEY,
  url text NOT NULL,
  key_id text NOT NULL,
  sealed_secret bytea NOT NULL,
  registered_at timestamptz NOT NULL
);

-- Traffic metadata of events and deliveries (no identifier): who published or received which event type, how it
-- ended, and how long a delivery took from publication. Reports count these beside the inquiries' ledger.
CREATE TABLE notification_traffic (
  id bigserial PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('event', 'delivery')),
  at timestamptz NOT NULL,
  event_id uuid NOT NULL,
  registry text NOT NULL,
  event_type text NOT NULL,
  custodian text NOT NULL,
  agency text,
  channel text CHECK (channel IN ('pull', 'webhook')),
  outcome text NOT NULL,
  matched integer,
  latency_ms double precision,
  same_day boolean
);
CREATE INDEX notification_traffic_at ON notification_traffic (at);
-- An event read twice off Kafka (at least once) is recorded once.
CREATE UNIQUE INDEX notification_traffic_event ON notification_traffic (event_id) WHERE kind = 'event';

-- Notifications dropped unacknowledged after NIX_NOTIFICATION_RETENTION_DAYS, per agency and Tehran day: the
-- compliance report lists these agencies.
CREATE TABLE notification_lapse (
  agency text NOT NULL,
  day date NOT NULL,
  expired integer NOT NULL,
  PRIMARY KEY (agency, day)
);
