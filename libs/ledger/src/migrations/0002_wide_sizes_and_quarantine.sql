-- Sizes as bigint: a record's size is whole bytes up to 1 TiB (RECORD_LIMITS in traffic-record.ts), which an
-- integer cannot hold; the rollups' minimum and maximum follow (their sums were bigint already).
ALTER TABLE traffic_record
  ALTER COLUMN request_bytes TYPE bigint,
  ALTER COLUMN response_bytes TYPE bigint;

ALTER TABLE traffic_hourly
  ALTER COLUMN request_bytes_min TYPE bigint,
  ALTER COLUMN request_bytes_max TYPE bigint,
  ALTER COLUMN response_bytes_min TYPE bigint,
  ALTER COLUMN response_bytes_max TYPE bigint;

-- Records the ledger could not take (a value out of range, a malformed message), set aside with the reason so that
-- they never block the records behind them. Metadata only, as traffic_record (R3): a record is kept as its known
-- fields, and an unreadable Kafka message only as its place and a digest, never its bytes.
CREATE TABLE traffic_quarantine (
  id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  quarantined_at  timestamptz NOT NULL DEFAULT now(),
  -- writer, spool or recorder, and for the recorder the topic, partition and offset.
  source          text        NOT NULL,
  reason          text        NOT NULL,
  exchange_id     text,
  record          jsonb
);
CREATE INDEX traffic_quarantine_time_idx ON traffic_quarantine (quarantined_at);
