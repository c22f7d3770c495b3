-- Governance state (issue 11): agencies, API keys (SHA-256 hashes only, never a key), agreements, access requests,
-- decisions, disputes, service requests and an append-only audit log. contracts/ YAML is imported when it is empty.

CREATE TABLE governance_agency (
  id text PRIMARY KEY,
  name_fa text NOT NULL,
  name_en text NOT NULL,
  roles text[] NOT NULL,
  demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE governance_api_key (
  agency_id text NOT NULL REFERENCES governance_agency (id),
  key_id text NOT NULL,
  sha256 text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires date,
  networks text[],
  last_used_day date,
  revoked_at timestamptz,
  PRIMARY KEY (agency_id, key_id)
);

CREATE TABLE governance_agreement (
  id text PRIMARY KEY,
  consumer text NOT NULL REFERENCES governance_agency (id),
  registry text NOT NULL,
  service text NOT NULL,
  data_items text[] NOT NULL,
  purposes text[] NOT NULL,
  valid_from date NOT NULL,
  valid_until date NOT NULL,
  daily_quota bigint NOT NULL CHECK (daily_quota >= 1),
  resolution text,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'revoked')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (valid_until >= valid_from)
);

CREATE TABLE governance_access_request (
  id text PRIMARY KEY,
  consumer text NOT NULL REFERENCES governance_agency (id),
  registry text NOT NULL,
  custodian text NOT NULL REFERENCES governance_agency (id),
  service text NOT NULL,
  data_items text[] NOT NULL,
  purposes text[] NOT NULL,
  daily_quota bigint NOT NULL CHECK (daily_quota >= 1),
  valid_from date,
  valid_until date,
  justification text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending-custodian', 'pending-working-group', 'refused', 'approved', 'rejected')),
  agreement_id text REFERENCES governance_agreement (id),
  resolution text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One step per request and stage: of two concurrent decisions on the same request, exactly one row goes in.
CREATE TABLE governance_decision (
  access_request_id text NOT NULL REFERENCES governance_access_request (id),
  stage text NOT NULL CHECK (stage IN ('custodian', 'working-group')),
  outcome text NOT NULL CHECK (outcome IN ('consented', 'refused', 'approved', 'rejected')),
  decided_by text NOT NULL REFERENCES governance_agency (id),
  resolution text,
  note text,
  decided_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (access_request_id, stage)
);

CREATE TABLE governance_dispute (
  id text PRIMARY KEY,
  raised_by text NOT NULL REFERENCES governance_agency (id),
  subject_kind text NOT NULL CHECK (subject_kind IN ('agreement', 'access-request')),
  subject_id text NOT NULL,
  statement text NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  resolution text,
  resolved_by text REFERENCES governance_agency (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz
);

CREATE TABLE governance_service_request (
  id text PRIMARY KEY,
  requester text NOT NULL REFERENCES governance_agency (id),
  description text NOT NULL,
  status text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'accepted', 'rejected')),
  assigned_custodian text REFERENCES governance_agency (id),
  reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE governance_audit (
  seq bigserial PRIMARY KEY,
  actor text NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  action text NOT NULL,
  subject text NOT NULL,
  before jsonb,
  after jsonb
);

-- Append-only: no UPDATE, DELETE or TRUNCATE, whoever asks.
CREATE FUNCTION governance_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'governance_audit is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER governance_audit_no_change BEFORE UPDATE OR DELETE ON governance_audit
  FOR EACH ROW EXECUTE FUNCTION governance_audit_append_only();
CREATE TRIGGER governance_audit_no_truncate BEFORE TRUNCATE ON governance_audit
  FOR EACH STATEMENT EXECUTE FUNCTION governance_audit_append_only();
