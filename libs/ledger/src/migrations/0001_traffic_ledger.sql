-- The traffic ledger: metadata of every exchange, and nothing else (R3).
-- No column may hold a payload or an identifier of whoever or whatever was asked about.

CREATE TABLE traffic_record (
  exchange_id          uuid        NOT NULL,
  received_at          timestamptz NOT NULL,
  dispatched_at        timestamptz,
  adapter_received_at  timestamptz,
  adapter_replied_at   timestamptz,
  responded_at         timestamptz NOT NULL,
  consumer             text,
  registry             text,
  custodian            text,
  service              text,
  service_version      text,
  purpose              text,
  agreement            text,
  tracking_digest      text,
  outcome              text        NOT NULL,
  http_status          smallint    NOT NULL,
  problem_type         text,
  request_bytes        integer     NOT NULL,
  response_bytes       integer     NOT NULL,
  total_ms             real        NOT NULL,
  broker_ms            real        NOT NULL,
  transport_ms         real,
  adapter_ms           real,
  registry_ms          real,
  broker_instance      text        NOT NULL,
  adapter_instance     text,
  PRIMARY KEY (exchange_id, received_at)
) PARTITION BY RANGE (received_at);

-- Looking up an exchange by the consumer's tracking code (R9), through its digest.
CREATE INDEX traffic_record_tracking_idx ON traffic_record (tracking_digest) WHERE tracking_digest IS NOT NULL;
-- One agency's exchanges over a period.
CREATE INDEX traffic_record_consumer_idx ON traffic_record (consumer, received_at);

-- Hourly rollups (Tehran hours), kept up to date as records arrive, so reports never scan raw rows.
-- Empty strings stand for unknown keys (an unauthenticated caller, an uncatalogued service).
CREATE TABLE traffic_hourly (
  hour                timestamptz NOT NULL,
  consumer            text        NOT NULL,
  registry            text        NOT NULL,
  custodian           text        NOT NULL,
  service             text        NOT NULL,
  outcome             text        NOT NULL,
  problem_type        text        NOT NULL,
  purpose             text        NOT NULL,
  agreement           text        NOT NULL,
  broker_instance     text        NOT NULL,
  exchanges           bigint      NOT NULL,
  total_ms_sum        double precision NOT NULL,
  total_ms_min        real        NOT NULL,
  total_ms_max        real        NOT NULL,
  broker_ms_sum       double precision NOT NULL,
  transport_ms_sum    double precision NOT NULL,
  adapter_ms_sum      double precision NOT NULL,
  registry_ms_sum     double precision NOT NULL,
  request_bytes_sum   bigint      NOT NULL,
  request_bytes_min   integer     NOT NULL,
  request_bytes_max   integer     NOT NULL,
  response_bytes_sum  bigint      NOT NULL,
  response_bytes_min  integer     NOT NULL,
  response_bytes_max  integer     NOT NULL,
  -- Exchanges per latency bucket; the bounds are LATENCY_BOUNDS_MS in traffic-repository.ts.
  latency_counts      bigint[]    NOT NULL,
  PRIMARY KEY (hour, consumer, registry, custodian, service, outcome, problem_type, purpose, agreement, broker_instance)
);
CREATE INDEX traffic_hourly_registry_idx ON traffic_hourly (registry, service, hour);

-- Element-wise sum of two count arrays, for merging latency histograms.
CREATE FUNCTION nix_add_counts(a bigint[], b bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i), '{}')
  FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i)
$$;

CREATE AGGREGATE nix_sum_counts(bigint[]) (SFUNC = nix_add_counts, STYPE = bigint[], INITCOND = '{}');
