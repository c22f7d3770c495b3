-- Signed receipts (issue 13): each answer carries a NIX-Receipt, and the ledger keeps only the receipt's own digest
-- (base64url SHA-256 of the JWS), never a digest of the request or the answer (R3). Older records have none.

ALTER TABLE traffic_record ADD COLUMN receipt_digest text;
CREATE INDEX traffic_record_receipt_idx ON traffic_record (receipt_digest) WHERE receipt_digest IS NOT NULL;
