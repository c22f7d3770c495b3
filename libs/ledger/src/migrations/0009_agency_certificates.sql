-- A key may be bound to the agency's client certificate (issue 13): its SHA-256 fingerprint, lowercase hex. A bound
-- key is accepted only with that certificate, over mTLS or from a trusted TLS-terminating proxy.

ALTER TABLE governance_api_key ADD COLUMN certificate text CHECK (certificate ~ '^[0-9a-f]{64}$');
