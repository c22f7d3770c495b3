import type { Agency, AgencyRole } from '@nix/domain';
import type { ApiKeyEntry, ContractSet } from '@nix/contracts';
import type { SqlClient } from '@nix/ledger';
import type { AuditEntry } from './audit-entry';
import type { AgreementState, GovernedAgreement } from './agreement-lifecycle';
import { renderContractFiles, type ContractExportFile } from './contract-export';
import { blockListOf, cidrsOf } from './network-list';
import type { StoredApiKey } from './stored-api-key';

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
}
interface AgreementRow {
  id: string;
  consumer: string;
  registry: string;
  service: string;
  data_items: string[];
  purposes: string[];
  valid_from: string;
  valid_until: string;
  daily_quota: string | number;
  resolution: string | null;
  status: AgreementState;
}

const AGENCY_COLUMNS = 'id, name_fa, name_en, roles, demo';
const KEY_COLUMNS = 'agency_id, key_id, sha256, created_at, expires::text AS expires, networks, last_used_day::text AS last_used_day, revoked_at';
const AGREEMENT_COLUMNS =
  'id, consumer, registry, service, data_items, purposes, valid_from::text AS valid_from, valid_until::text AS valid_until, daily_quota, resolution, status';

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
});
const agreementOf = (r: AgreementRow): GovernedAgreement => ({
  id: r.id,
  consumer: r.consumer,
  registry: r.registry,
  service: r.service,
  dataItems: r.data_items,
  purposes: r.purposes,
  validFrom: r.valid_from,
  validUntil: r.valid_until,
  dailyQuota: Number(r.daily_quota),
  resolution: r.resolution,
  status: r.status,
});

/** What the audit log keeps of a key: its id, hash, limits, never a key. */
const keyForAudit = (k: ApiKeyEntry) => ({ agencyId: k.agencyId, keyId: k.keyId, sha256: k.sha256, expires: k.expires, networks: k.networks ? cidrsOf(k.networks) : null });
/** Compares two values as JSON whatever the order of their keys (YAML files may list `en` before `fa`). */
const canonical = (value: unknown) =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/** The governance state in the store (migration 0003_governance), over the same SqlClient as the ledger. */
export class GovernanceRepository {
  constructor(
    readonly sql: SqlClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

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
    const keys = new Map((await this.apiKeys({ includeRevoked: true })).map((k) => [`${k.agencyId}/${k.keyId}`, k]));
    for (const key of set.apiKeys) {
      const stored = keys.get(`${key.agencyId}/${key.keyId}`);
      const before = stored ? keyForAudit(stored) : null;
      const after = keyForAudit(key);
      if (same(before, after) && !stored?.revokedAt) continue;
      await this.sql.query(
        `INSERT INTO governance_api_key (agency_id, key_id, sha256, expires, networks) VALUES ($1, $2, $3, $4::date, $5)
         ON CONFLICT (agency_id, key_id) DO UPDATE SET sha256 = $3, expires = $4::date, networks = $5, revoked_at = NULL`,
        [key.agencyId, key.keyId, key.sha256, key.expires, after.networks],
      );
      await this.audit({ actor, at: this.now(), action: 'api-key.import', subject: `api-key:${key.agencyId}/${key.keyId}`, before, after });
      changed++;
    }
    const agreements = new Map((await this.agreements()).map((a) => [a.id, a]));
    for (const agreement of set.agreements) {
      const before = agreements.get(agreement.id) ?? null;
      const after: GovernedAgreement = { ...agreement, resolution: agreement.resolution ?? null, status: before?.status ?? 'active' };
      if (same(before, after)) continue;
      await this.sql.query(
        `INSERT INTO governance_agreement (id, consumer, registry, service, data_items, purposes, valid_from, valid_until, daily_quota, resolution)
         VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8::date, $9, $10)
         ON CONFLICT (id) DO UPDATE SET consumer = $2, registry = $3, service = $4, data_items = $5, purposes = $6,
           valid_from = $7::date, valid_until = $8::date, daily_quota = $9, resolution = $10, updated_at = now()`,
        [after.id, after.consumer, after.registry, after.service, after.dataItems, after.purposes, after.validFrom, after.validUntil, after.dailyQuota, after.resolution],
      );
      await this.audit({ actor, at: this.now(), action: 'agreement.import', subject: `agreement:${agreement.id}`, before, after });
      changed++;
    }
    return { agencies: set.agencies.length, apiKeys: set.apiKeys.length, agreements: set.agreements.length, changed };
  }

  /** The state as the YAML files of contracts/ (see renderContractFiles). */
  async exportContracts(): Promise<ContractExportFile[]> {
    return renderContractFiles(await this.agencies(), await this.apiKeys(), await this.agreements());
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
}
