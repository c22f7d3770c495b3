import { join } from 'node:path';
import { stringify } from 'yaml';
import { agreementFileEntry } from '@nix/contracts';
import type { Agency, AgencyCertificates } from '@nix/domain';
import type { GovernedAgreement } from './agreement-lifecycle';
import { cidrsOf } from './network-list';
import type { StoredApiKey } from './stored-api-key';

/** One YAML file of contracts/, its path relative to the contracts directory. */
export interface ContractExportFile {
  path: string;
  content: string;
}

const HEADER = '# Exported from the governance store (npm run contracts:export).\n';

/**
 * The governance state as the YAML files contracts/ holds: agencies/<id>.yaml and agreements/<consumer>.yaml, under
 * demo/ for demo agencies. Revoked keys are left out; so are suspended and revoked agreements, which the YAML
 * cannot mark (it has no status field): an export carries the agreements in force.
 */
export function renderContractFiles(
  agencies: Agency[],
  apiKeys: StoredApiKey[],
  agreements: GovernedAgreement[],
  certificates: Readonly<Record<string, AgencyCertificates>> = {},
): ContractExportFile[] {
  const demo = new Set(agencies.filter((a) => a.demo).map((a) => a.id));
  const under = (agencyId: string, kind: string) => (demo.has(agencyId) ? join('demo', kind) : kind);
  const files: ContractExportFile[] = [];
  for (const agency of agencies) {
    const keys = apiKeys
      .filter((k) => k.agencyId === agency.id && !k.revokedAt)
      .map((k) => ({
        id: k.keyId,
        sha256: k.sha256,
        ...(k.networks ? { networks: cidrsOf(k.networks) } : {}),
        ...(k.expires ? { expires: k.expires } : {}),
        ...(k.certificate ? { certificate: k.certificate } : {}),
      }));
    const registered = certificates[agency.id];
    const body = {
      id: agency.id,
      name: { fa: agency.name.fa, en: agency.name.en },
      roles: agency.roles,
      ...(agency.demo ? { demo: true } : {}),
      ...(keys.length > 0 ? { apiKeys: keys } : {}),
      ...(registered && (registered.fingerprints.length > 0 || registered.issuers.length > 0)
        ? { certificates: { fingerprints: registered.fingerprints, issuers: registered.issuers.map((i) => ({ subject: i.subject, ca: i.ca })) } }
        : {}),
    };
    files.push({ path: join(under(agency.id, 'agencies'), `${agency.id}.yaml`), content: HEADER + stringify(body) });
  }
  const byConsumer = new Map<string, GovernedAgreement[]>();
  for (const agreement of agreements.filter((a) => a.status === 'active')) {
    byConsumer.set(agreement.consumer, [...(byConsumer.get(agreement.consumer) ?? []), agreement]);
  }
  for (const [consumer, list] of [...byConsumer].sort(([a], [b]) => a.localeCompare(b))) {
    const body = {
      consumer,
      agreements: list.map(agreementFileEntry),
    };
    files.push({ path: join(under(consumer, 'agreements'), `${consumer}.yaml`), content: HEADER + stringify(body) });
  }
  return files;
}
