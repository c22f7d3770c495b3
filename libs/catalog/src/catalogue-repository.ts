import { randomUUID } from 'node:crypto';
import { auditedChange, type AuditRecord, type SqlClient } from '@nix/ledger';
import { CatalogueInputError, CatalogueNotFoundError, CatalogueNotPermittedError, CatalogueStateError, VersionPublishedError } from './catalogue-error';
import { catalogueFromSchemas, SCHEMAS_IMPORT_ACTOR, type CatalogueRegistry, type CatalogueState } from './catalogue-state';
import type { ServiceCatalog } from './service-catalog';
import {
  checkServiceName,
  checkVersionBody,
  checkVersionOrder,
  compareSemver,
  isBilingual,
  parseSemver,
  SLUG,
  type BindingCheck,
  type CatalogueActor,
  type Deprecation,
  type PublishedServiceVersion,
  type ServiceVersionBody,
} from './service-version';
import { checkDeprecation, checkMaintenanceWindow, isRetired, type MaintenanceWindow } from './version-lifecycle';

interface RegistryRow {
  registry: string;
  custodian: string;
  title: CatalogueRegistry['title'];
  description: CatalogueRegistry['description'];
}
interface VersionRow {
  registry: string;
  service: string;
  version: string;
  body: ServiceVersionBody;
  published_by: string;
  published_at: string | Date;
  deprecated_at: string | Date | null;
  sunset: string | Date | null;
  successor: string | null;
}
interface WindowRow {
  id: string;
  registry: string;
  service: string;
  starts_at: string | Date;
  ends_at: string | Date;
  note: MaintenanceWindow['note'];
  announced_by: string;
  announced_at: string | Date;
}

const REGISTRY_COLUMNS = 'registry, custodian, title, description';
const VERSION_COLUMNS = 'registry, service, version, body, published_by, published_at, deprecated_at, sunset, successor';
const WINDOW_COLUMNS = 'id, registry, service, starts_at, ends_at, note, announced_by, announced_at';
// Byte order, whatever the database's collation, so that PGlite and PostgreSQL list alike.
const VERSION_ORDER = 'registry COLLATE "C", service COLLATE "C", major, minor, patch';

const iso = (value: string | Date) => new Date(value).toISOString();
const registryOf = (r: RegistryRow): CatalogueRegistry => ({ registry: r.registry, custodian: r.custodian, title: r.title, description: r.description });
const versionOf = (r: VersionRow, custodian: string): PublishedServiceVersion => ({
  registry: r.registry,
  service: r.service,
  version: r.version,
  custodian,
  ...r.body,
  publishedBy: r.published_by,
  publishedAt: iso(r.published_at),
  deprecation: r.deprecated_at === null ? null : { deprecatedAt: iso(r.deprecated_at), sunset: iso(r.sunset!), successor: r.successor },
});
const windowOf = (r: WindowRow): MaintenanceWindow => ({
  id: r.id,
  registry: r.registry,
  service: r.service,
  from: iso(r.starts_at),
  until: iso(r.ends_at),
  note: r.note,
  announcedBy: r.announced_by,
  announcedAt: iso(r.announced_at),
});

/** The audit row of a change, as parameters typed to stand in an INSERT … SELECT over the CTE `changed`. */
const UNIQUE_VIOLATION = '23505';
const CHECK_VIOLATION = '23514';
const sqlState = (error: unknown) => (error as { code?: string }).code;

type AuditEntry = AuditRecord;

/**
 * The service catalogue in the store (migration 0005_catalogue), over the ledger's SqlClient. Every change is one
 * guarded statement with its audit row in governance_audit, so that governance_version moves with it and brokers
 * reload the catalogue as they reload governance.
 */
export class CatalogueRepository {
  private readonly changeListeners: Array<() => Promise<void> | void> = [];

  constructor(
    readonly sql: SqlClient,
    private readonly now: () => Date = () => new Date(),
    private readonly newWindowId: () => string = () => `mw-${randomUUID()}`,
  ) {}

  /** Awaited after every change this repository makes, before the change is answered. */
  onChange(listener: () => Promise<void> | void): void {
    this.changeListeners.push(listener);
  }

  /** governance_version: catalogue changes move it as governance changes do. */
  async stateVersion(): Promise<number> {
    const rows = await this.sql.query<{ version: string | number }>('SELECT version FROM governance_version');
    return Number(rows[0].version);
  }

  async isEmpty(): Promise<boolean> {
    const rows = await this.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM catalogue_registry');
    return rows[0].n === 0;
  }

  /**
   * The bootstrap: when the catalogue holds no registry, imports schemas/ (catalogueFromSchemas) in one statement,
   * each registry and version audited. Of two brokers starting at once, one imports. Returns whether this one did.
   */
  async bootstrap(catalog: ServiceCatalog): Promise<boolean> {
    if (!(await this.isEmpty())) return false;
    const { registries, versions } = catalogueFromSchemas(catalog);
    const at = this.now();
    const custodianOf = new Map(registries.map((r) => [r.registry, r.custodian]));
    const versionRows = versions.map((v) => {
      const [major, minor, patch] = parseSemver(v.version)!;
      const after: PublishedServiceVersion = { registry: v.registry, service: v.service, version: v.version, custodian: custodianOf.get(v.registry)!, ...v.body, publishedBy: SCHEMAS_IMPORT_ACTOR, publishedAt: at.toISOString(), deprecation: null };
      return { registry: v.registry, service: v.service, version: v.version, major, minor, patch, body: v.body, after };
    });
    let rows: Array<{ n: number }>;
    try {
      rows = await this.sql.query<{ n: number }>(
        `WITH empty AS (SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM catalogue_registry)),
           regs AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(registry text, custodian text, title jsonb, description jsonb)),
           vers AS (SELECT * FROM json_to_recordset($2::json) AS v(registry text, service text, version text, major int, minor int, patch int, body json, after jsonb)),
           reg_in AS (INSERT INTO catalogue_registry (registry, custodian, title, description)
             SELECT r.registry, r.custodian, r.title, r.description FROM regs r, empty RETURNING registry),
           ver_in AS (INSERT INTO catalogue_service_version (registry, service, version, major, minor, patch, body, published_by, published_at)
             SELECT v.registry, v.service, v.version, v.major, v.minor, v.patch, v.body, $3::text, $4::timestamptz FROM vers v, empty RETURNING registry),
           audited AS (INSERT INTO governance_audit (actor, at, action, subject, before, after)
             SELECT $3::text, $4::timestamptz, 'catalogue.registry.import', 'registry:' || r.registry, NULL::jsonb, to_jsonb(r) FROM regs r, empty
             UNION ALL
             SELECT $3::text, $4::timestamptz, 'catalogue.version.import', 'service-version:' || v.registry || '/' || v.service || '@' || v.version, NULL::jsonb, v.after FROM vers v, empty)
         SELECT (SELECT count(*)::int FROM reg_in) + (SELECT count(*)::int FROM ver_in) AS n`,
        [JSON.stringify(registries), JSON.stringify(versionRows), SCHEMAS_IMPORT_ACTOR, at.toISOString()],
      );
    } catch (error) {
      // Another broker imported first: its registries' keys stopped this statement.
      if (sqlState(error) === UNIQUE_VIOLATION) return false;
      throw error;
    }
    if (rows[0].n === 0) return false;
    await this.changed();
    return true;
  }

  /** The working group registers a registry and its custodian (a registered agency with the provider role), or changes them. */
  async registerRegistry(actor: CatalogueActor, request: { registry: string; custodian: unknown; title: unknown; description: unknown }): Promise<CatalogueRegistry> {
    if (!actor.roles.includes('working-group')) throw new CatalogueNotPermittedError(actor.agencyId, 'register a registry (the working group does)');
    const { registry, custodian, title, description } = request;
    if (!SLUG.test(registry)) throw CatalogueInputError.at('/registry', 'must be a lower-case slug (a-z, 0-9, -; up to 40 characters)');
    const errors = [];
    if (typeof custodian !== 'string' || custodian.length === 0) errors.push({ pointer: '/custodian', detail: 'must name the custodian agency' });
    if (!isBilingual(title)) errors.push({ pointer: '/title', detail: 'must have non-empty fa and en texts' });
    if (!isBilingual(description)) errors.push({ pointer: '/description', detail: 'must have non-empty fa and en texts' });
    if (errors.length > 0) throw new CatalogueInputError(errors);
    const after: CatalogueRegistry = { registry, custodian: custodian as string, title: pickBilingual(title), description: pickBilingual(description) };
    const provider = await this.sql.query<{ id: string }>(`SELECT id FROM governance_agency WHERE id = $1 AND 'provider' = ANY (roles)`, [after.custodian]);
    if (provider.length === 0) throw CatalogueInputError.at('/custodian', `"${after.custodian}" is not a registered custodian agency (one with the provider role)`);
    const stored = await this.sql.query<RegistryRow & { updated_at: string }>(`SELECT ${REGISTRY_COLUMNS}, updated_at::text AS updated_at FROM catalogue_registry WHERE registry = $1`, [registry]);
    const before = stored.length ? registryOf(stored[0]) : null;
    if (before && sameJson(before, after)) return before;
    // Guarded twice: the custodian is still a provider, and the row is the one read (its updated_at), or absent.
    const applied = await this.applyAudited(
      `INSERT INTO catalogue_registry (registry, custodian, title, description)
         SELECT $1, $2, $3::jsonb, $4::jsonb WHERE EXISTS (SELECT 1 FROM governance_agency WHERE id = $2 AND 'provider' = ANY (roles))
       ON CONFLICT (registry) DO UPDATE SET custodian = EXCLUDED.custodian, title = EXCLUDED.title, description = EXCLUDED.description, updated_at = clock_timestamp()
         WHERE catalogue_registry.updated_at = $5::timestamptz
       RETURNING registry`,
      [registry, after.custodian, JSON.stringify(after.title), JSON.stringify(after.description), stored.length ? stored[0].updated_at : null],
      { actor: actor.agencyId, at: this.now(), action: before ? 'catalogue.registry.change' : 'catalogue.registry.register', subject: `registry:${registry}`, before, after },
    );
    if (!applied) throw new CatalogueStateError(`registry ${registry}`, 'changed meanwhile', 'registered from a stale read (try again)');
    return after;
  }

  /**
   * The registry's custodian publishes a version: the order rule (never backwards, never again), the publishing rules
   * of the body, then the binding through `checkBinding`. One statement inserts it with its audit row, or nothing.
   */
  async publishVersion(actor: CatalogueActor, registry: string, service: string, version: string, body: unknown, checkBinding: BindingCheck): Promise<PublishedServiceVersion> {
    checkServiceName(registry, service);
    const owner = await this.custodianOf(actor, registry, `publish services in registry ${registry}`);
    const subject = `${registry}/${service} ${version}`;
    checkVersionOrder(await this.publishedVersions(registry, service), version, subject);
    const checked = await checkVersionBody(body, { registry, service, version }, checkBinding);
    const at = this.now();
    const after: PublishedServiceVersion = { registry, service, version, custodian: owner, ...checked, publishedBy: actor.agencyId, publishedAt: at.toISOString(), deprecation: null };
    const [major, minor, patch] = parseSemver(version)!;
    let applied: boolean;
    try {
      applied = await this.applyAudited(
        `INSERT INTO catalogue_service_version (registry, service, version, major, minor, patch, body, published_by, published_at)
           SELECT $1, $2, $3, $4::int, $5::int, $6::int, $7::json, $8::text, $9::timestamptz
           WHERE EXISTS (SELECT 1 FROM catalogue_registry WHERE registry = $1 AND custodian = $8)
         RETURNING registry`,
        [registry, service, version, major, minor, patch, JSON.stringify(checked), actor.agencyId, at.toISOString()],
        { actor: actor.agencyId, at, action: 'catalogue.version.publish', subject: `service-version:${registry}/${service}@${version}`, before: null, after },
      );
    } catch (error) {
      // Another publication won the race: the trigger of migration 0005 checked this one against it.
      if (sqlState(error) === UNIQUE_VIOLATION) throw new VersionPublishedError(subject);
      if (sqlState(error) === CHECK_VIOLATION && /catalogue-version-backwards/.test((error as Error).message)) {
        checkVersionOrder(await this.publishedVersions(registry, service), version, subject);
      }
      throw error;
    }
    if (!applied) throw new CatalogueNotPermittedError(actor.agencyId, `publish services in registry ${registry} (its custodian changed meanwhile)`);
    return after;
  }

  /** The custodian deprecates a version with a sunset and a successor; it may move the sunset until the version retires. */
  async deprecate(actor: CatalogueActor, registry: string, service: string, version: string, request: unknown): Promise<PublishedServiceVersion> {
    checkServiceName(registry, service);
    await this.custodianOf(actor, registry, `deprecate services of registry ${registry}`);
    const before = await this.storedVersion(registry, service, version);
    const now = this.now();
    if (isRetired(before, now)) throw new CatalogueStateError(`${registry}/${service} ${version}`, `retired since ${before.deprecation!.sunset}`, 'deprecated again');
    const { sunset, successor } = checkDeprecation(request, version, await this.publishedVersions(registry, service), now);
    const deprecation: Deprecation = { deprecatedAt: before.deprecation?.deprecatedAt ?? now.toISOString(), sunset, successor };
    const after: PublishedServiceVersion = { ...before, deprecation };
    const applied = await this.applyAudited(
      `UPDATE catalogue_service_version SET deprecated_at = $4::timestamptz, sunset = $5::timestamptz, successor = $6
       WHERE registry = $1 AND service = $2 AND version = $3 AND (sunset IS NULL OR sunset > $8::timestamptz)
         AND EXISTS (SELECT 1 FROM catalogue_registry WHERE registry = $1 AND custodian = $7)
       RETURNING registry`,
      [registry, service, version, deprecation.deprecatedAt, sunset, successor, actor.agencyId, now.toISOString()],
      { actor: actor.agencyId, at: now, action: 'catalogue.version.deprecate', subject: `service-version:${registry}/${service}@${version}`, before: before.deprecation, after: deprecation },
    );
    if (!applied) throw new CatalogueStateError(`${registry}/${service} ${version}`, 'changed meanwhile', 'deprecated from a stale read (try again)');
    return after;
  }

  /** The custodian announces a maintenance window for a service (all its versions). */
  async announceMaintenance(actor: CatalogueActor, registry: string, service: string, request: unknown): Promise<MaintenanceWindow> {
    checkServiceName(registry, service);
    await this.custodianOf(actor, registry, `announce maintenance for registry ${registry}`);
    if ((await this.publishedVersions(registry, service)).length === 0) throw new CatalogueNotFoundError(`service ${registry}/${service}`);
    const now = this.now();
    const window: MaintenanceWindow = { id: this.newWindowId(), registry, service, ...checkMaintenanceWindow(request, now), announcedBy: actor.agencyId, announcedAt: now.toISOString() };
    const applied = await this.applyAudited(
      `INSERT INTO catalogue_maintenance (id, registry, service, starts_at, ends_at, note, announced_by, announced_at)
         SELECT $1, $2, $3, $4::timestamptz, $5::timestamptz, $6::jsonb, $7::text, $8::timestamptz
         WHERE EXISTS (SELECT 1 FROM catalogue_registry WHERE registry = $2 AND custodian = $7)
       RETURNING id`,
      [window.id, registry, service, window.from, window.until, JSON.stringify(window.note), actor.agencyId, window.announcedAt],
      { actor: actor.agencyId, at: now, action: 'catalogue.maintenance.announce', subject: `maintenance:${registry}/${service}/${window.id}`, before: null, after: window },
    );
    if (!applied) throw new CatalogueNotPermittedError(actor.agencyId, `announce maintenance for registry ${registry} (its custodian changed meanwhile)`);
    return window;
  }

  /** Registries, versions and the windows not yet ended, with the version they are at: one statement, one consistent view. */
  async state(): Promise<CatalogueState> {
    const rows = await this.sql.query<{ version: string | number; registries: RegistryRow[]; versions: VersionRow[]; windows: WindowRow[] }>(
      `SELECT (SELECT version FROM governance_version) AS version,
         (SELECT coalesce(json_agg(r ORDER BY r.registry COLLATE "C"), '[]'::json) FROM (SELECT ${REGISTRY_COLUMNS} FROM catalogue_registry) r) AS registries,
         (SELECT coalesce(json_agg(v ORDER BY ${VERSION_ORDER}), '[]'::json) FROM (SELECT ${VERSION_COLUMNS}, major, minor, patch FROM catalogue_service_version) v) AS versions,
         (SELECT coalesce(json_agg(w ORDER BY w.starts_at, w.id), '[]'::json) FROM (SELECT ${WINDOW_COLUMNS} FROM catalogue_maintenance WHERE ends_at > $1::timestamptz) w) AS windows`,
      [this.now().toISOString()],
    );
    const row = rows[0];
    const custodians = new Map(row.registries.map((r) => [r.registry, r.custodian]));
    return {
      version: Number(row.version),
      registries: row.registries.map(registryOf),
      versions: row.versions.map((v) => versionOf(v, custodians.get(v.registry)!)),
      maintenance: row.windows.map(windowOf),
    };
  }

  /** The published versions of a service, oldest first. */
  async publishedVersions(registry: string, service: string): Promise<string[]> {
    const rows = await this.sql.query<{ version: string }>(`SELECT version FROM catalogue_service_version WHERE registry = $1 AND service = $2 ORDER BY major, minor, patch`, [
      registry,
      service,
    ]);
    return rows.map((r) => r.version).sort(compareSemver);
  }

  /** The registry's custodian, when the actor is it; 404 for an unknown registry, 403 for anyone else. */
  private async custodianOf(actor: CatalogueActor, registry: string, action: string): Promise<string> {
    const rows = await this.sql.query<{ custodian: string }>('SELECT custodian FROM catalogue_registry WHERE registry = $1', [registry]);
    if (rows.length === 0) throw new CatalogueNotFoundError(`registry ${registry}`);
    if (rows[0].custodian !== actor.agencyId) throw new CatalogueNotPermittedError(actor.agencyId, `${action} (its custodian is ${rows[0].custodian})`);
    return rows[0].custodian;
  }

  private async storedVersion(registry: string, service: string, version: string): Promise<PublishedServiceVersion> {
    const rows = await this.sql.query<VersionRow & { custodian: string }>(
      `SELECT ${VERSION_COLUMNS.split(', ').map((c) => `v.${c}`).join(', ')}, r.custodian
       FROM catalogue_service_version v JOIN catalogue_registry r USING (registry) WHERE v.registry = $1 AND v.service = $2 AND v.version = $3`,
      [registry, service, version],
    );
    if (rows.length === 0) throw new CatalogueNotFoundError(`version ${version} of ${registry}/${service}`);
    return versionOf(rows[0], rows[0].custodian);
  }

  /** One change as one statement: `change` (… RETURNING) applies only if its guard holds, and its audit row goes in with it. */
  private async applyAudited(change: string, params: unknown[], entry: AuditEntry): Promise<boolean> {
    const applied = await auditedChange(this.sql, change, params, entry);
    if (applied) await this.changed();
    return applied;
  }

  private async changed(): Promise<void> {
    for (const listener of this.changeListeners) await listener();
  }
}

function pickBilingual(value: unknown): { fa: string; en: string } {
  const v = value as { fa: string; en: string };
  return { fa: v.fa, en: v.en };
}

/** Compares two values as JSON whatever the order of their keys (jsonb does not keep it). */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown) =>
    JSON.stringify(value, (_key, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) : v));
  return canonical(a) === canonical(b);
}
