-- An agency may register the CAs its client certificates are issued by, each with the subject they must carry
-- (issue 13): [{"ca": "<PEM>", "subject": "CN=…,O=…"}]. A certificate then matches when that CA issued it to that
-- subject; fingerprints (migration 0009) stay as they are.
ALTER TABLE governance_agency ADD COLUMN certificate_issuers jsonb NOT NULL DEFAULT '[]'::jsonb
  CHECK (jsonb_typeof(certificate_issuers) = 'array');

-- A key may be bound to one certificate (its fingerprint) or to any certificate of its agency ('agency').
ALTER TABLE governance_api_key DROP CONSTRAINT governance_api_key_certificate_check;
ALTER TABLE governance_api_key ADD CONSTRAINT governance_api_key_certificate_check CHECK (certificate ~ '^[0-9a-f]{64}$' OR certificate = 'agency');
