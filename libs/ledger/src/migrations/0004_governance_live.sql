-- Live governance (issue 11): brokers reload their snapshot when the version moves, and share daily quotas.

-- Every audited change bumps the version in its own transaction; the row lock makes versions commit in order, so a
-- broker that reads version N in one statement with the state reads every change up to N.
CREATE TABLE governance_version (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version bigint NOT NULL
);
INSERT INTO governance_version (singleton, version) VALUES (true, 0);

CREATE FUNCTION governance_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE governance_version SET version = version + 1;
  RETURN NULL;
END
$$;
CREATE TRIGGER governance_audit_bumps_version AFTER INSERT ON governance_audit
  FOR EACH ROW EXECUTE FUNCTION governance_version_bump();

-- Cluster-wide daily quotas: brokers lease slices of an agreement's day from this counter, never more than the quota
-- in all (granted), each lease's size kept for its RETURNING (last_grant).
CREATE TABLE governance_quota_lease (
  agreement_id text NOT NULL,
  day date NOT NULL,
  granted bigint NOT NULL CHECK (granted >= 0),
  last_grant bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (agreement_id, day)
);
