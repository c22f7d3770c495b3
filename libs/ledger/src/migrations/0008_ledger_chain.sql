-- The tamper-evident ledger (issue 13, point 5): each broker instance numbers its traffic records and chains them
-- (ledger_prev is the hash of the record before, ledger_hash this record's own; see ledger-chain.ts), and signs a
-- checkpoint of its chain periodically. Hashes of metadata only: nothing here is content (R3).
ALTER TABLE traffic_record
  ADD COLUMN ledger_seq  bigint,
  ADD COLUMN ledger_prev text,
  ADD COLUMN ledger_hash text;

-- The verifier walks each instance's chain in order.
CREATE INDEX traffic_record_chain_idx ON traffic_record (broker_instance, ledger_seq) WHERE ledger_seq IS NOT NULL;

-- Signed checkpoints: Ed25519 over checkpointStatement(instance, seq, hash), by the key NIX_LEDGER_SIGNING_KEY.
CREATE TABLE ledger_checkpoint (
  broker_instance text        NOT NULL,
  seq             bigint      NOT NULL,
  hash            text        NOT NULL,
  signed_at       timestamptz NOT NULL DEFAULT now(),
  public_key      text        NOT NULL,
  signature       text        NOT NULL,
  PRIMARY KEY (broker_instance, seq)
);
