-- The service catalogue in the store (issue 12): registries and their custodians, published service versions
-- (immutable, except for their deprecation) and maintenance windows. schemas/ is imported when it is empty. Every
-- change is audited in governance_audit, so governance_version moves with it (migration 0004).

CREATE TABLE catalogue_registry (
  registry text PRIMARY KEY CHECK (registry ~ '^[a-z][a-z0-9-]{0,39}$'),
  custodian text NOT NULL,
  title jsonb NOT NULL,
  description jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE catalogue_service_version (
  registry text NOT NULL REFERENCES catalogue_registry (registry),
  service text NOT NULL CHECK (service ~ '^[a-z][a-z0-9-]{0,39}$'),
  version text NOT NULL,
  major integer NOT NULL CHECK (major >= 1),
  minor integer NOT NULL CHECK (minor >= 0),
  patch integer NOT NULL CHECK (patch >= 0),
  -- The published body: title, description, request and response schemas, timeoutMs, loa, hours,
  -- dataProtectionStatement and binding (credentials by name only, never a value). json, not jsonb: it keeps the
  -- order of the schemas' properties, which is the order of the data items.
  body json NOT NULL,
  published_by text NOT NULL,
  published_at timestamptz NOT NULL,
  deprecated_at timestamptz,
  sunset timestamptz,
  successor text,
  PRIMARY KEY (registry, service, version),
  UNIQUE (registry, service, major, minor, patch),
  CHECK (version = major || '.' || minor || '.' || patch),
  CHECK ((deprecated_at IS NULL) = (sunset IS NULL))
);

-- Published versions never go backwards and never change. The order is checked here, after locking the registry's
-- row, so that two publications racing in one registry are checked one after the other, each against the other's.
CREATE FUNCTION catalogue_version_order() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM catalogue_registry WHERE registry = NEW.registry FOR UPDATE;
  IF EXISTS (SELECT 1 FROM catalogue_service_version v WHERE v.registry = NEW.registry AND v.service = NEW.service AND v.version = NEW.version) THEN
    RAISE EXCEPTION 'catalogue-version-published' USING ERRCODE = 'unique_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM catalogue_service_version v WHERE v.registry = NEW.registry AND v.service = NEW.service
               AND v.major = NEW.major AND (v.minor, v.patch) > (NEW.minor, NEW.patch))
     OR (NOT EXISTS (SELECT 1 FROM catalogue_service_version v WHERE v.registry = NEW.registry AND v.service = NEW.service AND v.major = NEW.major)
         AND EXISTS (SELECT 1 FROM catalogue_service_version v WHERE v.registry = NEW.registry AND v.service = NEW.service AND v.major > NEW.major)) THEN
    RAISE EXCEPTION 'catalogue-version-backwards' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER catalogue_version_never_backwards BEFORE INSERT ON catalogue_service_version
  FOR EACH ROW EXECUTE FUNCTION catalogue_version_order();

CREATE FUNCTION catalogue_version_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.registry <> OLD.registry OR NEW.service <> OLD.service OR NEW.version <> OLD.version
     OR NEW.body::text <> OLD.body::text OR NEW.published_by <> OLD.published_by OR NEW.published_at <> OLD.published_at THEN
    RAISE EXCEPTION 'a published service version never changes: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER catalogue_version_no_change BEFORE UPDATE OR DELETE ON catalogue_service_version
  FOR EACH ROW EXECUTE FUNCTION catalogue_version_immutable();

CREATE TABLE catalogue_maintenance (
  id text PRIMARY KEY,
  registry text NOT NULL REFERENCES catalogue_registry (registry),
  service text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  note jsonb NOT NULL,
  announced_by text NOT NULL,
  announced_at timestamptz NOT NULL,
  CHECK (ends_at > starts_at)
);
CREATE INDEX catalogue_maintenance_ends ON catalogue_maintenance (ends_at);
