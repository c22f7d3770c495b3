import { AccessPolicy, prepareIssuer, type Agency, type CertificateIssuer, type PreparedIssuer } from '@nix/domain';
import type { ApiKeyEntry, ContractSet } from '@nix/contracts';
import type { GovernedAgreement } from './agreement-lifecycle';

/** The governance state a broker authorises with: every agency, every key not revoked, every agreement. */
export interface GovernanceState {
  /** Moves with every audited change (migration 0004). */
  version: number;
  agencies: Agency[];
  apiKeys: ApiKeyEntry[];
  agreements: GovernedAgreement[];
  /** The client certificates (SHA-256 fingerprints) of the agencies that registered any (migration 0009). */
  agencyCertificates?: Record<string, string[]>;
  /** The CAs and subjects the agencies that registered any call with (migration 0010). */
  agencyIssuers?: Record<string, CertificateIssuer[]>;
}

/**
 * One consistent, immutable view of the governance state: an inquiry is authorised against one snapshot from start
 * to end, whatever changes meanwhile. In production, demo agencies, their keys and agreements are left out.
 */
export class GovernanceSnapshot {
  readonly version: number;
  readonly agencies: readonly Agency[];
  readonly agreements: readonly GovernedAgreement[];
  readonly policy: AccessPolicy;
  private readonly agencyById: ReadonlyMap<string, Agency>;
  private readonly keyByHash: ReadonlyMap<string, ApiKeyEntry>;
  private readonly agencyCertificates: ReadonlyMap<string, readonly string[]>;
  private readonly agencyIssuers: ReadonlyMap<string, readonly PreparedIssuer[]>;

  constructor(state: GovernanceState, options: { production: boolean }) {
    const agencies = options.production ? state.agencies.filter((a) => !a.demo) : state.agencies;
    this.agencyById = new Map(agencies.map((a) => [a.id, a]));
    this.version = state.version;
    this.agencies = agencies;
    this.agreements = state.agreements.filter((a) => this.agencyById.has(a.consumer));
    this.keyByHash = new Map(state.apiKeys.filter((k) => this.agencyById.has(k.agencyId)).map((k) => [k.sha256, k]));
    this.policy = new AccessPolicy(this.agreements);
    this.agencyCertificates = new Map(Object.entries(state.agencyCertificates ?? {}).filter(([id, list]) => this.agencyById.has(id) && list.length > 0));
    // Each CA parsed once per state, not once per inquiry.
    this.agencyIssuers = new Map(
      Object.entries(state.agencyIssuers ?? {})
        .filter(([id, list]) => this.agencyById.has(id) && list.length > 0)
        .map(([id, list]) => [id, list.map(prepareIssuer)]),
    );
  }

  /** A snapshot of contract files as they are (tests, benchmarks): every agreement active, with its resolution. */
  static ofContracts(set: ContractSet, version = 0): GovernanceSnapshot {
    const agreements = set.agreements.map((a): GovernedAgreement => ({ ...a, resolution: a.resolution ?? null, status: a.status ?? 'active' }));
    return new GovernanceSnapshot({ version, agencies: set.agencies, apiKeys: set.apiKeys, agreements }, { production: false });
  }

  agency(id: string): Agency | undefined {
    return this.agencyById.get(id);
  }

  /** The client certificates an agency registered (SHA-256 fingerprints); empty when it registered none. */
  certificatesOf(agencyId: string): readonly string[] {
    return this.agencyCertificates.get(agencyId) ?? [];
  }

  /** The issuers (CA and subject) an agency registered, ready to check certificates against; empty when none. */
  issuersOf(agencyId: string): readonly PreparedIssuer[] {
    return this.agencyIssuers.get(agencyId) ?? [];
  }

  /** The key whose SHA-256 this is, if it is neither revoked nor unknown. */
  key(sha256: string): ApiKeyEntry | undefined {
    return this.keyByHash.get(sha256);
  }
}
