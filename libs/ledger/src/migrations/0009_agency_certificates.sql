-- A key may be bound to the agency's client certificate (issue 13): its SHA-256 fingerprint, lowercase hex. A bound
-- key is accepted only with that certificate, over mTLS or from a trusted TLS-terminating proxy.

ALTER TABLE governance_api_key ADD COLUMN certificate text CHECK (certificate ~ '^[0-9a-f]{64}$');

-- The client certificates an agency registered (SHA-256 fingerprints): once it has any, each of its keys is
-- accepted only with one of them (a key bound to one, only with that one).
ALTER TABLE governance_agency ADD COLUMN client_certificates text[] NOT NULL DEFAULT '{}';
