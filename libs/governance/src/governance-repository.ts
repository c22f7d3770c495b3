import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ANY_AGENCY_CERTIFICATE, PROBE_AGENCY, type Agency, type AgencyCertificates, type AgencyRole, type CertificateIssuer } from '@nix/domain';
import type { ApiKeyEntry, ContractSet } from '@nix/contracts';
import { auditedChange, auditParams, auditValues, type SqlClient } from '@nix/ledger';
import {
  agreementFromApprovedRequest,
  consentToAccessRequest,
  decideAccessRequest,
  fileAccessRequest,
  maySeeAccessRequest,
  refuseAccessRequest,
  type AccessRequest,
  type AccessRequestDraft,
  type AccessRequestState,
} from './access-request';
import { isWorkingGroup, type GovernanceActor } from './actor';
import type { AuditEntry } from './audit-entry';
import {
  amendAgreement,
  reinstateAgreement,
  revokeAgreement,
  suspendAgreement,
  type AgreementAmendment,
  type AgreementState,
  type GovernedAgreement,
} from './agreement-lifecycle';
import { GovernanceInputError, GovernanceNotFoundError, IllegalTransitionError, NotPermittedError } from './governance-error';
import {
  acceptServiceRequest,
  openDispute,
  rejectServiceRequest,
  resolveDispute,
  submitServiceRequest,
  type Dispute,
  type ServiceRequest,
} from './service-request';
import { renderContractFiles, type ContractExportFile } from './contract-export';
import type { GovernanceSource } from './live-governance';
import type { GovernanceState } from './governance-snapshot';
import { blockListOf, cidrsOf } from './network-list';
import { agencyCertificatesOf, certificateFingerprintOf, checkKeyLimits, checkResolution } from './validation';
import { requireKeyManager, type StoredApiKey } from './stored-api-key';

/** An audit entry with its place in the log. */
export interface NumberedAuditEntry extends AuditEntry {
  seq: number;
}
export interface AuditQuery {
  subject?: string;
  actor?: string;
  /** Only entries after this seq. */
  after?: number;
  limit?: number;
}
export interface AuditPage {
  entries: NumberedAuditEntry[];
  next: number | null;
}
/** What a key listing shows: never the key, nor its hash. */
export interface ApiKeyListing {
  keyId: string;
  createdAt: string;
  expires: string | null;
  lastUsedDay: string | null;
  revokedAt: string | null;
  /** SHA-256 fingerprint of the client certificate the key is bound to, or null. */
  certificate: string | null;
}

/** The actor recorded in the audit log for imports from contracts/ YAML. */
export const CONTRACTS_IMPORT_ACTOR = 'contracts-import';

export interface ImportSummary {
  agencies: number;
  apiKeys: number;
  agreements: number;
  /** Rows that differed from the store and were written (each one audited). */
  changed: number;
}

interface AgencyRow {
  id: string;
  name_fa: string;
  name_en: string;
  roles: AgencyRole[];
  demo: boolean;
}
interface KeyRow {
  agency_id: string;
  key_id: string;
  sha256: string;
  created_at: Date | string;
  expires: string | null;
  networks: string[] | null;
  last_used_day: string | null;
  revoked_at: Date | string | null;
  certificate: string | null;
}
interface AgreementRow {
  id: string;
  consumer: string;
  registry: string;
  service: string;
  major: number;
  data_items: string[];
  purposes: string[];
  valid_from: string;
  valid_until: string;
  daily_quota: string | number;
  resolution: string | null;
  status: AgreementState;
}

interface AccessRequestRow {
  id: string;
  consumer: string;
  registry: string;
  custodian: string;
  service: string;
  major: number;
  data_items: string[];
  purposes: string[];
  daily_quota: string | number;
  valid_from: string | null;
  valid_until: string | null;
  justification: string;
  status: AccessRequestState;
  agreement_id: string | null;
  resolution: string | null;
}
interface ServiceRequestRow {
  id: string;
  requester: string;
  description: string;
  status: ServiceRequest['status'];
  assigned_custodian: string | null;
  reason: string | null;
}
interface DisputeRow {
  id: string;
  raised_by: string;
  subject_kind: Dispute['subject']['kind'];
  subject_id: string;
  statement: string;
  status: Dispute['status'];
  resolution: string | null;
}

const AGENCY_COLUMNS = 'id, name_fa, name_en, roles, demo';
const KEY_COLUMNS = 'agency_id, key_id, sha256, created_at, expires::text AS expires, networks, last_used_day::text AS last_used_day, revoked_at, certificate';
const AGREEMENT_COLUMNS =
  'id, consumer, registry, service, major, data_items, purposes, valid_from::text AS valid_from, valid_until::text AS valid_until, daily_quota, resolution, status';

const ACCESS_REQUEST_COLUMNS =
  'id, consumer, registry, custodian, service, major, data_items, purposes, daily_quota, valid_from::text AS valid_from, valid_until::text AS valid_until, justification, status, agreement_id, resolution';
const SERVICE_REQUEST_COLUMNS = 'id, requester, description, status, assigned_custodian, reason';
const DISPUTE_COLUMNS = 'id, raised_by, subject_kind, subject_id, statement, status, resolution';

const agencyOf = (r: AgencyRow): Agency => ({ id: r.id, name: { fa: r.name_fa, en: r.name_en }, roles: r.roles, demo: r.demo });
const keyOf = (r: KeyRow): StoredApiKey => ({
  agencyId: r.agency_id,
  keyId: r.key_id,
  sha256: r.sha256,
  networks: r.networks ? blockListOf(r.networks) : null,
  expires: r.expires,
  createdAt: new Date(r.created_at),
  lastUsedDay: r.last_used_day,
  revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at),
  certificate: r.certificate ?? null,
});
const agreementOf = (r: AgreementRow): GovernedAgreement => ({
  id: r.id,
  consumer: r.consumer,
  registry: r.registry,
  service: r.service,
  major: Number(r.major),
  dataItems: r.data_items,
  purposes: r.purposes,
  validFrom: r.valid_from,
  validUntil: r.valid_until,
  dailyQuota: Number(r.daily_quota),
  resolution: r.resolution,
  status: r.status,
});

const accessRequestOf = (r: AccessRequestRow): AccessRequest => ({
  id: r.id,
  consumer: r.consumer,
  registry: r.registry,
  custodian: r.custodian,
  service: r.service,
  major: Number(r.major),
  dataItems: r.data_items,
  purposes: r.purposes,
  dailyQuota: Number(r.daily_quota),
  validFrom: r.valid_from,
  validUntil: r.valid_until,
  justification: r.justification,
  status: r.status,
  agreementId: r.agreement_id,
  resolution: r.resolution,
});
const serviceRequestOf = (r: ServiceRequestRow): ServiceRequest => ({
  id: r.id,
  requester: r.requester,
  description: r.description,
  status: r.status,
  assignedCustodian: r.assigned_custodian,
  reason: r.reason,
});
const disputeOf = (r: DisputeRow): Dispute => ({
  id: r.id,
  raisedBy: r.raised_by,
  subject: { kind: r.subject_kind, id: r.subject_id },
  statement: r.statement,
  status: r.status,
  resolution: r.resolution,
});

/** An agreement's columns in the order governance_agreement's INSERTs name them. */
const agreementParams = (a: GovernedAgreement) => [a.id, a.consumer, a.registry, a.service, a.dataItems, a.purposes, a.validFrom, a.validUntil, a.dailyQuota, a.resolution, a.status, a.major];

const UNIQUE_VIOLATION = '23505';

/** What the audit log keeps of a key: its id, hash, limits, never a key. */
const keyForAudit = (k: ApiKeyEntry) => ({
  agencyId: k.agencyId,
  keyId: k.keyId,
  sha256: k.sha256,
  expires: k.expires,
  networks: k.networks ? cidrsOf(k.networks) : null,
  ...(k.certificate ? { certificate: k.certificate } : {}),
});
/** Compares two values as JSON whatever the order of their keys (YAML files may list `en` before `fa`). */
const canonical = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/** The governance state in the store (migration 0003_governance), over the same SqlClient as the ledger. */
export class GovernanceRepository implements GovernanceSource {
  private readonly changeListeners: Array<() => Promise<void> | void> = [];

  constructor(
    readonly sql: SqlClient,
    private readonly now: () => Date = () => new Date(),
    private readonly newId: (kind: 'ar' | 'ag' | 'sr' | 'dp') => string = (kind) => `${kind}-${randomUUID()}`,
  ) {}

  /**
   * Awaited after every change this repository makes, before the change is answered: the process sees it at once
   * (other processes poll).
   */
  onChange(listener: () => Promise<void> | void): void {
    this.changeListeners.push(listener);
  }

  async isEmpty(): Promise<boolean> {
    const rows = await this.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM governance_agency');
    return rows[0].n === 0;
  }

  /** The bootstrap: imports contracts/ only when the store holds no agency yet. Returns whether it imported. */
  async bootstrap(set: ContractSet): Promise<boolean> {
    if (!(await this.isEmpty())) return false;
    await this.importContracts(set);
    return true;
  }

  /**
   * Upserts the agencies, keys and agreements of a ContractSet; every row that changes is audited with its value
   * before and after. What the set does not name is left as it is (an import never deletes).
   */
  async importContracts(set: ContractSet, actor = CONTRACTS_IMPORT_ACTOR): Promise<ImportSummary> {
    let changed = 0;
    const agencies = new Map((await this.agencies()).map((a) => [a.id, a]));
    for (const agency of set.agencies) {
      const before = agencies.get(agency.id) ?? null;
      if (same(before, agency)) continue;
      await this.sql.query(
        `INSERT INTO governance_agency (id, name_fa, name_en, roles, demo) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET name_fa = $2, name_en = $3, roles = $4, demo = $5, updated_at = now()`,
        [agency.id, agency.name.fa, agency.name.en, agency.roles, agency.demo],
      );
      await this.audit({ actor, at: this.now(), action: 'agency.import', subject: `agency:${agency.id}`, before, after: agency });
      changed++;
    }
    // An agency's certificates as its file lists them; a file that lists none leaves the agency's as they are.
    const registered = await this.agencyCertificates();
    for (const [agencyId, after] of Object.entries(set.agencyCertificates ?? {})) {
      const before = registered[agencyId] ?? null;
      if (same(before ?? { fingerprints: [], issuers: [] }, after)) continue;
      await this.sql.query('UPDATE governance_agency SET client_certificates = $2::text[], certificate_issuers = $3::jsonb WHERE id = $1', [
        agencyId,
        after.fingerprints,
        JSON.stringify(after.issuers),
      ]);
      await this.audit({ actor, at: this.now(), action: 'agency.certificates.import', subject: `agency:${agencyId}`, before, after });
      changed++;
    }
    const keys = new Map((await this.apiKeys({ includeRevoked: true })).map((k) => [`${k.agencyId}/${k.keyId}`, k]));
    for (const key of set.apiKeys) {
      const stored = keys.get(`${key.agencyId}/${key.keyId}`);
      const before = stored ? keyForAudit(stored) : null;
      const after = keyForAudit(key);
      if (same(before, after) && !stored?.revokedAt) continue;
      await this.sql.query(
        `INSERT INTO governance_api_key (agency_id, key_id, sha256, expires, networks, certificate) VALUES ($1, $2, $3, $4::date, $5, $6)
         ON CONFLICT (agency_id, key_id) DO UPDATE SET sha256 = $3, expires = $4::date, networks = $5, certificate = $6, revoked_at = NULL`,
        [key.agencyId, key.keyId, key.sha256, key.expires, after.networks, key.certificate ?? null],
      );
      await this.audit({ actor, at: this.now(), action: 'api-key.import', subject: `api-key:${key.agencyId}/${key.keyId}`, before, after });
      changed++;
    }
    const agreements = new Map((await this.agreements()).map((a) => [a.id, a]));
    for (const agreement of set.agreements) {
      const before = agreements.get(agreement.id) ?? null;
      const after: GovernedAgreement = { ...agreement, major: agreement.major ?? 1, resolution: agreement.resolution ?? null, status: before?.status ?? 'active' };
      if (same(before, after)) continue;
      await this.sql.query(
        `INSERT INTO governance_agreement (id, consumer, registry, service, data_items, purposes, valid_from, valid_until, daily_quota, resolution, major)
         VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8::date, $9, $10, $11)
         ON CONFLICT (id) DO UPDATE SET consumer = $2, registry = $3, service = $4, data_items = $5, purposes = $6,
           valid_from = $7::date, valid_until = $8::date, daily_quota = $9, resolution = $10, major = $11, updated_at = now()`,
        [after.id, after.consumer, after.registry, after.service, after.dataItems, after.purposes, after.validFrom, after.validUntil, after.dailyQuota, after.resolution, after.major],
      );
      await this.audit({ actor, at: this.now(), action: 'agreement.import', subject: `agreement:${agreement.id}`, before, after });
      changed++;
    }
    if (changed > 0) await this.changed();
    return { agencies: set.agencies.length, apiKeys: set.apiKeys.length, agreements: set.agreements.length, changed };
  }

  /**
   * The state as the YAML files of contracts/ (see renderContractFiles). The probe agency, its key and its system
   * agreements are NIX's own, made by each broker at run time: left out (its key would come back as a bearer key).
   */
  async exportContracts(): Promise<ContractExportFile[]> {
    const notProbe = (id: string) => id !== PROBE_AGENCY.id;
    return renderContractFiles(
      (await this.agencies()).filter((a) => notProbe(a.id)),
      (await this.apiKeys()).filter((k) => notProbe(k.agencyId)),
      (await this.agreements()).filter((a) => notProbe(a.consumer)),
      await this.agencyCertificates(),
    );
  }

  async stateVersion(): Promise<number> {
    const rows = await this.sql.query<{ version: string | number }>('SELECT version FROM governance_version');
    return Number(rows[0].version);
  }

  /** The state brokers authorise with, in one statement, so that it is one consistent view at one version. */
  async state(): Promise<GovernanceState> {
    const rows = await this.sql.query<{
      version: string | number;
      agencies: AgencyRow[];
      keys: KeyRow[];
      agreements: AgreementRow[];
      certificates: Record<string, string[]> | null;
      issuers: Record<string, CertificateIssuer[]> | null;
    }>(
      `SELECT (SELECT version FROM governance_version) AS version,
         (SELECT coalesce(json_agg(a ORDER BY a.id), '[]'::json) FROM (SELECT ${AGENCY_COLUMNS} FROM governance_agency) a) AS agencies,
         (SELECT coalesce(json_agg(k ORDER BY k.agency_id, k.key_id), '[]'::json) FROM (SELECT ${KEY_COLUMNS} FROM governance_api_key WHERE revoked_at IS NULL) k) AS keys,
         (SELECT coalesce(json_agg(g ORDER BY g.id), '[]'::json) FROM (SELECT ${AGREEMENT_COLUMNS} FROM governance_agreement) g) AS agreements,
         (SELECT json_object_agg(id, client_certificates) FROM governance_agency WHERE cardinality(client_certificates) > 0) AS certificates,
         (SELECT json_object_agg(id, certificate_issuers) FROM governance_agency WHERE certificate_issuers <> '[]'::jsonb) AS issuers`,
    );
    const row = rows[0];
    return {
      version: Number(row.version),
      agencies: row.agencies.map(agencyOf),
      apiKeys: row.keys.map(keyOf),
      agreements: row.agreements.map(agreementOf),
      agencyCertificates: row.certificates ?? {},
      agencyIssuers: row.issuers ?? {},
    };
  }

  /** Notes the day a key was last used (not a governance change: neither audited nor a new version). */
  async recordKeyUse(agencyId: string, keyId: string, day: string): Promise<void> {
    await this.sql.query(
      'UPDATE governance_api_key SET last_used_day = $3::date WHERE agency_id = $1 AND key_id = $2 AND (last_used_day IS NULL OR last_used_day < $3::date)',
      [agencyId, keyId, day],
    );
  }

  async agencies(): Promise<Agency[]> {
    const rows = await this.sql.query<AgencyRow>(`SELECT ${AGENCY_COLUMNS} FROM governance_agency ORDER BY id`);
    return rows.map(agencyOf);
  }

  async apiKeys(options: { includeRevoked?: boolean } = {}): Promise<StoredApiKey[]> {
    const rows = await this.sql.query<KeyRow>(
      `SELECT ${KEY_COLUMNS} FROM governance_api_key ${options.includeRevoked ? '' : 'WHERE revoked_at IS NULL'} ORDER BY agency_id, key_id`,
    );
    return rows.map(keyOf);
  }

  async agreements(): Promise<GovernedAgreement[]> {
    const rows = await this.sql.query<AgreementRow>(`SELECT ${AGREEMENT_COLUMNS} FROM governance_agreement ORDER BY id`);
    return rows.map(agreementOf);
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.sql.query('INSERT INTO governance_audit (actor, at, action, subject, before, after) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)', [
      entry.actor,
      entry.at.toISOString(),
      entry.action,
      entry.subject,
      JSON.stringify(entry.before ?? null),
      JSON.stringify(entry.after ?? null),
    ]);
  }

  async auditLog(): Promise<AuditEntry[]> {
    const rows = await this.sql.query<{ actor: string; at: Date | string; action: string; subject: string; before: unknown; after: unknown }>(
      'SELECT actor, at, action, subject, before, after FROM governance_audit ORDER BY seq',
    );
    return rows.map((r) => ({ ...r, at: new Date(r.at) }));
  }

  /**
   * A page of the audit log, oldest first, optionally for one subject or actor: entries after `after` (a seq from
   * an earlier page), at most `limit`; `next` is the seq to ask after for the following page, null at the end.
   */
  async auditPage(query: AuditQuery = {}): Promise<AuditPage> {
    const limit = query.limit ?? 100;
    const rows = await this.sql.query<{ seq: string | number; actor: string; at: Date | string; action: string; subject: string; before: unknown; after: unknown }>(
      `SELECT seq, actor, at, action, subject, before, after FROM governance_audit
       WHERE seq > $1 AND ($2::text IS NULL OR subject = $2) AND ($3::text IS NULL OR actor = $3)
       ORDER BY seq LIMIT $4`,
      [query.after ?? 0, query.subject ?? null, query.actor ?? null, limit + 1],
    );
    const entries = rows.slice(0, limit).map((r) => ({ ...r, seq: Number(r.seq), at: new Date(r.at) }));
    return { entries, next: rows.length > limit ? entries[entries.length - 1].seq : null };
  }

  /** An agency's keys, revoked ones too, as the working group or the agency itself may list them: never a hash. */
  async apiKeysOf(actor: GovernanceActor, agencyId: string): Promise<ApiKeyListing[]> {
    requireKeyManager(actor, agencyId, 'list');
    await this.requireAgency(agencyId);
    const rows = await this.sql.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM governance_api_key WHERE agency_id = $1 ORDER BY created_at, key_id`, [agencyId]);
    return rows.map(keyOf).map((k) => ({ keyId: k.keyId, createdAt: k.createdAt.toISOString(), expires: k.expires, lastUsedDay: k.lastUsedDay, revokedAt: k.revokedAt?.toISOString() ?? null, certificate: k.certificate ?? null }));
  }

  /** The agency with this id, or GovernanceNotFoundError. */
  async requireAgency(agencyId: string): Promise<Agency> {
    const rows = await this.sql.query<AgencyRow>(`SELECT ${AGENCY_COLUMNS} FROM governance_agency WHERE id = $1`, [agencyId]);
    if (rows.length === 0) throw new GovernanceNotFoundError(`agency ${agencyId}`);
    return agencyOf(rows[0]);
  }

  /**
   * The working group creates an agreement directly, for a decision taken outside NIX (active, with its resolution).
   * The caller checks items, purposes, quota and validity against the catalogue first; an id already taken is refused.
   */
  async createAgreement(actor: GovernanceActor, draft: Omit<GovernedAgreement, 'id' | 'status' | 'resolution'> & { id?: string; resolution: string }): Promise<GovernedAgreement> {
    if (!isWorkingGroup(actor)) throw new NotPermittedError(actor.agencyId, 'create agreements');
    const agreement: GovernedAgreement = { ...draft, id: draft.id ?? this.newId('ag'), major: draft.major ?? 1, resolution: checkResolution(draft.resolution), status: 'active' };
    if (!(await this.agencies()).some((a) => a.id === agreement.consumer)) throw new GovernanceInputError('consumer', `"${agreement.consumer}" is not a registered agency`);
    const applied = await this.applyAudited(
      `INSERT INTO governance_agreement (id, consumer, registry, service, data_items, purposes, valid_from, valid_until, daily_quota, resolution, status, major)
       VALUES ($1, $2, $3, $4, $5::text[], $6::text[], $7::date, $8::date, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING RETURNING id`,
      agreementParams(agreement),
      this.entry(actor, 'agreement.create', `agreement:${agreement.id}`, null, agreement),
    );
    if (!applied) throw new GovernanceInputError('id', `"${agreement.id}" is already an agreement`);
    return agreement;
  }

  // The request workflow. Every transition is the domain's; the SQL only guards against races: each change is one
  // statement whose UPDATE applies only while the row is as it was read, with its audit entry (and decision,
  // agreement) going in with it or not at all. The loser of a race gets the domain's IllegalTransitionError.

  /** The working group registers an agency (audited); an id already taken is refused. */
  async registerAgency(actor: GovernanceActor, agency: Agency): Promise<Agency> {
    if (!isWorkingGroup(actor)) throw new NotPermittedError(actor.agencyId, `register agency ${agency.id}`);
    const applied = await this.applyAudited(
      `INSERT INTO governance_agency (id, name_fa, name_en, roles, demo) VALUES ($1, $2, $3, $4::text[], $5) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [agency.id, agency.name.fa, agency.name.en, agency.roles, agency.demo],
      this.entry(actor, 'agency.register', `agency:${agency.id}`, null, agency),
    );
    if (!applied) throw new GovernanceInputError('id', `"${agency.id}" is already an agency`);
    return agency;
  }

  /**
   * Registers the client certificates an agency calls with, replacing those it had (the working group only: this is
   * who the agency is): SHA-256 fingerprints, and issuers (a CA and the subject its certificates must carry). Once it
   * has any, each of its keys needs one of them; none lifts that.
   */
  async registerCertificates(
    actor: GovernanceActor,
    agencyId: string,
    registration: { fingerprints: readonly string[]; issuers?: readonly { ca: string; subject: string }[] },
  ): Promise<AgencyCertificates> {
    if (!isWorkingGroup(actor)) throw new NotPermittedError(actor.agencyId, `register certificates of ${agencyId}`);
    const after = agencyCertificatesOf(registration, this.now().getTime());
    const before = await this.certificatesOf(actor, agencyId);
    const applied = await this.applyAudited(
      'UPDATE governance_agency SET client_certificates = $2::text[], certificate_issuers = $3::jsonb WHERE id = $1 RETURNING id',
      [agencyId, after.fingerprints, JSON.stringify(after.issuers)],
      this.entry(actor, 'agency.certificates', `agency:${agencyId}`, before, after),
    );
    if (!applied) throw new GovernanceNotFoundError(`agency ${agencyId}`);
    return after;
  }

  /** An agency's registered client certificates (fingerprints and issuers), as the working group or the agency itself may list them. */
  async certificatesOf(actor: GovernanceActor, agencyId: string): Promise<AgencyCertificates> {
    requireKeyManager(actor, agencyId, 'list certificates of');
    const rows = await this.sql.query<{ client_certificates: string[]; certificate_issuers: CertificateIssuer[] }>(
      'SELECT client_certificates, certificate_issuers FROM governance_agency WHERE id = $1',
      [agencyId],
    );
    if (rows.length === 0) throw new GovernanceNotFoundError(`agency ${agencyId}`);
    return { fingerprints: rows[0].client_certificates, issuers: rows[0].certificate_issuers };
  }

  /** Every agency's registered client certificates, for those that registered any (the export writes them). */
  async agencyCertificates(): Promise<Record<string, AgencyCertificates>> {
    const rows = await this.sql.query<{ id: string; client_certificates: string[]; certificate_issuers: CertificateIssuer[] }>(
      "SELECT id, client_certificates, certificate_issuers FROM governance_agency WHERE cardinality(client_certificates) > 0 OR certificate_issuers <> '[]'::jsonb ORDER BY id",
    );
    return Object.fromEntries(rows.map((r) => [r.id, { fingerprints: r.client_certificates, issuers: r.certificate_issuers }]));
  }

  /**
   * A new API key for an agency (the working group, or the agency for itself). The key is returned this once; the
   * store and the audit log keep its SHA-256 only.
   */
  async issueApiKey(
    actor: GovernanceActor,
    agencyId: string,
    limits: { expires?: string | null; networks?: string[] | null; certificate?: string | null } = {},
  ): Promise<{ keyId: string; key: string; certificate: string | null }> {
    requireKeyManager(actor, agencyId, 'issue');
    const expires = limits.expires ?? null;
    const networks = limits.networks ?? null;
    checkKeyLimits(expires, networks);
    const certificate = limits.certificate ? (limits.certificate === ANY_AGENCY_CERTIFICATE ? ANY_AGENCY_CERTIFICATE : certificateFingerprintOf(limits.certificate)) : null;
    if (!(await this.agencies()).some((a) => a.id === agencyId)) throw new GovernanceNotFoundError(`agency ${agencyId}`);
    const key = `nix_${randomBytes(32).toString('base64url')}`;
    const stored = { agencyId, keyId: `k-${randomUUID()}`, sha256: createHash('sha256').update(key).digest('hex'), expires, networks, certificate };
    await this.applyAudited(
      'INSERT INTO governance_api_key (agency_id, key_id, sha256, expires, networks, certificate) VALUES ($1, $2, $3, $4::date, $5::text[], $6) RETURNING key_id',
      [stored.agencyId, stored.keyId, stored.sha256, expires, networks, certificate],
      this.entry(actor, 'api-key.issue', `api-key:${agencyId}/${stored.keyId}`, null, stored),
    );
    return { keyId: stored.keyId, key, certificate };
  }

  /** Revokes a key (the working group, or the agency itself); a key is revoked once. */
  async revokeApiKey(actor: GovernanceActor, agencyId: string, keyId: string): Promise<void> {
    requireKeyManager(actor, agencyId, 'revoke');
    const before = (await this.apiKeys({ includeRevoked: true })).find((k) => k.agencyId === agencyId && k.keyId === keyId);
    if (!before) throw new GovernanceNotFoundError(`api key ${agencyId}/${keyId}`);
    const audited = { ...keyForAudit(before), revoked: before.revokedAt !== null };
    const applied = await this.applyAudited(
      'UPDATE governance_api_key SET revoked_at = now() WHERE agency_id = $1 AND key_id = $2 AND revoked_at IS NULL RETURNING key_id',
      [agencyId, keyId],
      this.entry(actor, 'api-key.revoke', `api-key:${agencyId}/${keyId}`, audited, { ...audited, revoked: true }),
    );
    if (!applied) throw new IllegalTransitionError(`api key ${agencyId}/${keyId}`, 'revoked', 'revoked');
  }

  /**
   * The consumer files a request (pending-custodian). The caller resolves the registry's custodian and checks items,
   * purposes and quota against the catalogue first (checkDataItems, checkPurposes, checkQuota).
   */
  async fileAccessRequest(actor: GovernanceActor, draft: Omit<AccessRequestDraft, 'id'>): Promise<AccessRequest> {
    const request = fileAccessRequest(actor, { ...draft, id: this.newId('ar') });
    await this.applyAudited(
      `INSERT INTO governance_access_request (id, consumer, registry, custodian, service, data_items, purposes, daily_quota, valid_from, valid_until, justification, status, major)
       VALUES ($1, $2, $3, $4, $5, $6::text[], $7::text[], $8, $9::date, $10::date, $11, $12, $13) RETURNING id`,
      [
        request.id,
        request.consumer,
        request.registry,
        request.custodian,
        request.service,
        request.dataItems,
        request.purposes,
        request.dailyQuota,
        request.validFrom,
        request.validUntil,
        request.justification,
        request.status,
        request.major,
      ],
      this.entry(actor, 'access-request.file', `access-request:${request.id}`, null, request),
    );
    return request;
  }

  /** One request, for an actor who may see it (its consumer, its custodian, the working group). */
  async accessRequest(actor: GovernanceActor, id: string): Promise<AccessRequest> {
    const request = await this.storedAccessRequest(id);
    if (!maySeeAccessRequest(actor, request)) throw new NotPermittedError(actor.agencyId, `see access request ${id}`);
    return request;
  }

  /** The requests an actor may see: a consumer its own, a custodian those for its registries, the working group all. */
  async accessRequests(actor: GovernanceActor): Promise<AccessRequest[]> {
    const rows = await this.sql.query<AccessRequestRow>(
      `SELECT ${ACCESS_REQUEST_COLUMNS} FROM governance_access_request WHERE $1 OR consumer = $2 OR custodian = $2 ORDER BY created_at, id`,
      [isWorkingGroup(actor), actor.agencyId],
    );
    return rows.map(accessRequestOf).filter((request) => maySeeAccessRequest(actor, request));
  }

  async consentToAccessRequest(actor: GovernanceActor, id: string, note: string | null = null): Promise<AccessRequest> {
    const before = await this.storedAccessRequest(id);
    const after = consentToAccessRequest(actor, before);
    await this.moveAccessRequest(actor, before, after, 'access-request.consent', { stage: 'custodian', outcome: 'consented', note });
    return after;
  }

  async refuseAccessRequest(actor: GovernanceActor, id: string, note: string | null = null): Promise<AccessRequest> {
    const before = await this.storedAccessRequest(id);
    const after = refuseAccessRequest(actor, before);
    await this.moveAccessRequest(actor, before, after, 'access-request.refuse', { stage: 'custodian', outcome: 'refused', note });
    return after;
  }

  /**
   * The working group's decision; an approval creates the agreement (active, with the resolution) in the same
   * statement. Of two concurrent decisions exactly one wins; the other gets IllegalTransitionError with the state.
   */
  async decideAccessRequest(
    actor: GovernanceActor,
    id: string,
    decision: { decision: 'approved' | 'rejected'; resolution: string; note?: string | null },
  ): Promise<{ request: AccessRequest; agreement: GovernedAgreement | null }> {
    const before = await this.storedAccessRequest(id);
    const resolution = checkResolution(decision.resolution);
    const after = decideAccessRequest(
      actor,
      before,
      decision.decision === 'approved' ? { decision: 'approved', resolution, agreementId: this.newId('ag') } : { decision: 'rejected', resolution },
    );
    const agreement = after.status === 'approved' ? agreementFromApprovedRequest(after, this.now().toISOString().slice(0, 10)) : null;
    await this.moveAccessRequest(actor, before, after, 'access-request.decide', { stage: 'working-group', outcome: decision.decision, note: decision.note ?? null }, agreement);
    return { request: after, agreement };
  }

  async agreement(id: string): Promise<GovernedAgreement> {
    return (await this.storedAgreement(id)).agreement;
  }

  async suspendAgreement(actor: GovernanceActor, id: string, resolution: string): Promise<GovernedAgreement> {
    return this.changeAgreement(actor, id, 'agreement.suspend', (a) => suspendAgreement(actor, a, resolution));
  }

  async reinstateAgreement(actor: GovernanceActor, id: string, resolution: string): Promise<GovernedAgreement> {
    return this.changeAgreement(actor, id, 'agreement.reinstate', (a) => reinstateAgreement(actor, a, resolution));
  }

  async revokeAgreement(actor: GovernanceActor, id: string, resolution: string): Promise<GovernedAgreement> {
    return this.changeAgreement(actor, id, 'agreement.revoke', (a) => revokeAgreement(actor, a, resolution));
  }

  /** The caller checks the amendment's items, purposes, quota and validity first (the validation helpers). */
  async amendAgreement(actor: GovernanceActor, id: string, amendment: AgreementAmendment): Promise<GovernedAgreement> {
    return this.changeAgreement(actor, id, 'agreement.amend', (a) => amendAgreement(actor, a, amendment));
  }

  /** R7: any agency asks the working group for a service that does not exist yet. */
  async submitServiceRequest(actor: GovernanceActor, description: string): Promise<ServiceRequest> {
    if (typeof description !== 'string' || description.trim().length === 0) throw new GovernanceInputError('description', 'must say which service is needed');
    const request = submitServiceRequest(actor, this.newId('sr'), description.trim());
    await this.applyAudited(
      'INSERT INTO governance_service_request (id, requester, description, status) VALUES ($1, $2, $3, $4) RETURNING id',
      [request.id, request.requester, request.description, request.status],
      this.entry(actor, 'service-request.submit', `service-request:${request.id}`, null, request),
    );
    return request;
  }

  /** The working group accepts a service request and assigns it to a custodian (an agency with the provider role). */
  async acceptServiceRequest(actor: GovernanceActor, id: string, custodian: string): Promise<ServiceRequest> {
    const before = await this.storedServiceRequest(id);
    const after = acceptServiceRequest(actor, before, custodian);
    const agency = (await this.agencies()).find((a) => a.id === after.assignedCustodian);
    if (!agency?.roles.includes('provider')) throw new GovernanceInputError('custodian', `"${after.assignedCustodian}" is not a custodian agency`);
    return this.moveServiceRequest(actor, before, after, 'service-request.accept');
  }

  async rejectServiceRequest(actor: GovernanceActor, id: string, reason: string): Promise<ServiceRequest> {
    const before = await this.storedServiceRequest(id);
    return this.moveServiceRequest(actor, before, rejectServiceRequest(actor, before, reason), 'service-request.reject');
  }

  /** The working group sees every service request, an agency its own and those assigned to it to build. */
  async serviceRequests(actor: GovernanceActor): Promise<ServiceRequest[]> {
    const rows = await this.sql.query<ServiceRequestRow>(
      `SELECT ${SERVICE_REQUEST_COLUMNS} FROM governance_service_request WHERE $1 OR requester = $2 OR assigned_custodian = $2 ORDER BY created_at, id`,
      [isWorkingGroup(actor), actor.agencyId],
    );
    return rows.map(serviceRequestOf);
  }

  /** R6: a dispute about an agreement or an access request that exists. */
  async openDispute(actor: GovernanceActor, subject: Dispute['subject'], statement: string): Promise<Dispute> {
    if (typeof statement !== 'string' || statement.trim().length === 0) throw new GovernanceInputError('statement', 'must say what is disputed');
    if (subject.kind === 'agreement') await this.storedAgreement(subject.id);
    else await this.storedAccessRequest(subject.id);
    const dispute = openDispute(actor, this.newId('dp'), subject, statement.trim());
    await this.applyAudited(
      'INSERT INTO governance_dispute (id, raised_by, subject_kind, subject_id, statement, status) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [dispute.id, dispute.raisedBy, subject.kind, subject.id, dispute.statement, dispute.status],
      this.entry(actor, 'dispute.open', `dispute:${dispute.id}`, null, dispute),
    );
    return dispute;
  }

  /** The working group settles a dispute with a binding resolution. */
  async resolveDispute(actor: GovernanceActor, id: string, resolution: string): Promise<Dispute> {
    const before = await this.storedDispute(id);
    const after = resolveDispute(actor, before, resolution);
    const applied = await this.applyAudited(
      `UPDATE governance_dispute SET status = $3, resolution = $4, resolved_by = $5, resolved_at = now() WHERE id = $1 AND status = $2 RETURNING id`,
      [id, before.status, after.status, after.resolution, actor.agencyId],
      this.entry(actor, 'dispute.resolve', `dispute:${id}`, before, after),
    );
    if (!applied) throw new IllegalTransitionError(`dispute ${id}`, (await this.storedDispute(id)).status, 'resolved');
    return after;
  }

  /** The working group sees every dispute, an agency those it raised. */
  async disputes(actor: GovernanceActor): Promise<Dispute[]> {
    const rows = await this.sql.query<DisputeRow>(`SELECT ${DISPUTE_COLUMNS} FROM governance_dispute WHERE $1 OR raised_by = $2 ORDER BY created_at, id`, [
      isWorkingGroup(actor),
      actor.agencyId,
    ]);
    return rows.map(disputeOf);
  }

  private entry(actor: GovernanceActor, action: string, subject: string, before: unknown, after: unknown): AuditEntry {
    return { actor: actor.agencyId, at: this.now(), action, subject, before, after };
  }

  /**
   * One change as one statement: `change` (an INSERT or UPDATE … RETURNING) applies only if its guard holds, and the
   * audit entry, with `also` (statements over the CTE `changed`), goes in with it or not at all. Returns whether it applied.
   */
  private async applyAudited(change: string, params: unknown[], entry: AuditEntry, also: string[] = []): Promise<boolean> {
    const applied = await auditedChange(this.sql, change, params, entry, also);
    if (applied) await this.changed();
    return applied;
  }

  private async changed(): Promise<void> {
    for (const listener of this.changeListeners) await listener();
  }

  private async moveAccessRequest(
    actor: GovernanceActor,
    before: AccessRequest,
    after: AccessRequest,
    action: string,
    decision: { stage: 'custodian' | 'working-group'; outcome: string; note: string | null },
    agreement: GovernedAgreement | null = null,
  ): Promise<void> {
    const params: unknown[] = [before.id, before.status, after.status, after.agreementId, after.resolution, decision.stage, decision.outcome, actor.agencyId, after.resolution, decision.note];
    const also = [
      'INSERT INTO governance_decision (access_request_id, stage, outcome, decided_by, resolution, note) SELECT id, $6::text, $7::text, $8::text, $9::text, $10::text FROM changed',
    ];
    if (agreement) {
      const first = params.length + 1;
      params.push(...agreementParams(agreement));
      const $ = (i: number) => `$${first + i}`;
      also.push(
        `INSERT INTO governance_agreement (id, consumer, registry, service, data_items, purposes, valid_from, valid_until, daily_quota, resolution, status, major)
         SELECT ${$(0)}::text, ${$(1)}::text, ${$(2)}::text, ${$(3)}::text, ${$(4)}::text[], ${$(5)}::text[], ${$(6)}::date, ${$(7)}::date, ${$(8)}::bigint, ${$(9)}::text, ${$(10)}::text, ${$(11)}::integer FROM changed`,
      );
      params.push(...auditParams(this.entry(actor, 'agreement.create', `agreement:${agreement.id}`, null, agreement)));
      also.push(`INSERT INTO governance_audit (actor, at, action, subject, before, after) SELECT ${auditValues(first + 12)} FROM changed`);
    }
    let applied: boolean;
    try {
      applied = await this.applyAudited(
        `UPDATE governance_access_request SET status = $3, agreement_id = $4, resolution = $5, updated_at = now() WHERE id = $1 AND status = $2 RETURNING id`,
        params,
        this.entry(actor, action, `access-request:${before.id}`, before, after),
        also,
      );
    } catch (error) {
      // The decisions table's key is the second guard: one step per request and stage.
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      applied = false;
    }
    if (!applied) throw new IllegalTransitionError(`access request ${before.id}`, (await this.storedAccessRequest(before.id)).status, after.status);
  }

  private async changeAgreement(actor: GovernanceActor, id: string, action: string, change: (agreement: GovernedAgreement) => GovernedAgreement): Promise<GovernedAgreement> {
    const { agreement: before, version } = await this.storedAgreement(id);
    const after = change(before);
    const applied = await this.applyAudited(
      `UPDATE governance_agreement SET data_items = $4::text[], purposes = $5::text[], valid_from = $6::date, valid_until = $7::date, daily_quota = $8,
         resolution = $9, status = $10, updated_at = clock_timestamp()
       WHERE id = $1 AND status = $2 AND updated_at = $3::timestamptz RETURNING id`,
      [id, before.status, version, after.dataItems, after.purposes, after.validFrom, after.validUntil, after.dailyQuota, after.resolution, after.status],
      this.entry(actor, action, `agreement:${id}`, before, after),
    );
    if (!applied) throw new IllegalTransitionError(`agreement ${id}`, (await this.storedAgreement(id)).agreement.status, `changed by ${action} (it changed meanwhile)`);
    return after;
  }

  private async moveServiceRequest(actor: GovernanceActor, before: ServiceRequest, after: ServiceRequest, action: string): Promise<ServiceRequest> {
    const applied = await this.applyAudited(
      `UPDATE governance_service_request SET status = $3, assigned_custodian = $4, reason = $5, updated_at = now() WHERE id = $1 AND status = $2 RETURNING id`,
      [before.id, before.status, after.status, after.assignedCustodian, after.reason],
      this.entry(actor, action, `service-request:${before.id}`, before, after),
    );
    if (!applied) throw new IllegalTransitionError(`service request ${before.id}`, (await this.storedServiceRequest(before.id)).status, after.status);
    return after;
  }

  private async storedAccessRequest(id: string): Promise<AccessRequest> {
    const rows = await this.sql.query<AccessRequestRow>(`SELECT ${ACCESS_REQUEST_COLUMNS} FROM governance_access_request WHERE id = $1`, [id]);
    if (rows.length === 0) throw new GovernanceNotFoundError(`access request ${id}`);
    return accessRequestOf(rows[0]);
  }

  private async storedAgreement(id: string): Promise<{ agreement: GovernedAgreement; version: string }> {
    const rows = await this.sql.query<AgreementRow & { version: string }>(`SELECT ${AGREEMENT_COLUMNS}, updated_at::text AS version FROM governance_agreement WHERE id = $1`, [id]);
    if (rows.length === 0) throw new GovernanceNotFoundError(`agreement ${id}`);
    return { agreement: agreementOf(rows[0]), version: rows[0].version };
  }

  private async storedServiceRequest(id: string): Promise<ServiceRequest> {
    const rows = await this.sql.query<ServiceRequestRow>(`SELECT ${SERVICE_REQUEST_COLUMNS} FROM governance_service_request WHERE id = $1`, [id]);
    if (rows.length === 0) throw new GovernanceNotFoundError(`service request ${id}`);
    return serviceRequestOf(rows[0]);
  }

  private async storedDispute(id: string): Promise<Dispute> {
    const rows = await this.sql.query<DisputeRow>(`SELECT ${DISPUTE_COLUMNS} FROM governance_dispute WHERE id = $1`, [id]);
    if (rows.length === 0) throw new GovernanceNotFoundError(`dispute ${id}`);
    return disputeOf(rows[0]);
  }
}
