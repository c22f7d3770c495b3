import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A copy of contracts/ with extra YAML files, for tests that need their own agencies and agreements. */
export function contractsWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nix-contracts-'));
  cpSync(join(REPO_ROOT, 'contracts'), dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A copy of schemas/ with some services' timeouts changed, for deadline tests. */
export function schemasWithTimeouts(timeouts: Record<string, number>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nix-schemas-'));
  cpSync(join(REPO_ROOT, 'schemas'), dir, { recursive: true });
  for (const [key, timeoutMs] of Object.entries(timeouts)) {
    const [registry, service] = key.split('/');
    const file = join(dir, registry, 'registry.json');
    const meta = JSON.parse(readFileSync(file, 'utf8'));
    meta.services[service].timeoutMs = timeoutMs;
    writeFileSync(file, JSON.stringify(meta, null, 2));
  }
  return dir;
}

/** A consumer agency with one API key, as contracts/agencies/*.yaml holds it. */
export function agencyYaml(id: string, key: string, extra = ''): string {
  return `id: ${id}\nname:\n  fa: دستگاه آزمون ${id}\n  en: Test agency ${id}\nroles: [consumer]\napiKeys:\n  - id: ${id}-key\n    sha256: ${sha256(key)}\n${extra}`;
}

/** A consumer's agreements file with one identity/person agreement for purpose tax-audit, as contracts/agreements/*.yaml holds it. */
export function personAgreementYaml(consumer: string, id: string, terms: { dataItems: string[]; dailyQuota: number; validUntil?: string }): string {
  return `consumer: ${consumer}
agreements:
  - id: ${id}
    registry: identity
    service: person
    dataItems: [${terms.dataItems.join(', ')}]
    purposes: [tax-audit]
    validFrom: 2020-01-01
    validUntil: ${terms.validUntil ?? '2099-12-31'}
    dailyQuota: ${terms.dailyQuota}
`;
}
