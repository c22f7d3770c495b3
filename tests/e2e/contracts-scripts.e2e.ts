import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceCatalog } from '@nix/catalog';
import { loadContracts } from '@nix/contracts';
import { ensureBuilt } from '../support/dist-build';
import { REPO_ROOT } from '../support/fixtures';
import { comparable, contractsWithBoundKey } from '../support/governance-store-suite';
import { TestPki } from '../support/test-pki';

/** npm run contracts:import and contracts:export (what they run after their build), against a temporary embedded store. */
describe('the contracts import and export scripts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nix-data-'));
  const contractsDir = contractsWithBoundKey();
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const env = { ...inherited, NODE_ENV: 'development', NIX_DATA_DIR: dataDir, NIX_CONTRACTS_DIR: contractsDir };
  const run = (script: string, ...args: string[]) =>
    execFileSync(process.execPath, [join(REPO_ROOT, 'dist', 'apps', 'nix', 'src', script), ...args], { cwd: REPO_ROOT, env, encoding: 'utf8' });

  beforeAll(() => ensureBuilt());

  it('imports contracts/ into the embedded store, then exports the same contracts back', () => {
    const original = loadContracts(contractsDir, ServiceCatalog.load(join(REPO_ROOT, 'schemas')), { production: false });
    const changed = original.agencies.length + original.apiKeys.length + original.agreements.length + Object.keys(original.agencyCertificates ?? {}).length;
    expect(run('contracts-import.js')).toMatch(new RegExp(`imported ${original.agencies.length} agencies, ${original.apiKeys.length} API keys and ${original.agreements.length} agreements .*: ${changed} changed`));
    expect(run('contracts-import.js')).toMatch(/: 0 changed\n$/);

    const out = mkdtempSync(join(tmpdir(), 'nix-exported-'));
    expect(run('contracts-export.js', '--out', out)).toMatch(/^exported \d+ contract files to /);
    const reloaded = loadContracts(out, ServiceCatalog.load(join(REPO_ROOT, 'schemas')), { production: false });
    const sorted = <T>(list: T[], key: (t: T) => string) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(reloaded.agencies, (a) => a.id)).toEqual(sorted(original.agencies, (a) => a.id));
    expect(sorted(reloaded.agreements, (a) => a.id)).toEqual(sorted(original.agreements, (a) => a.id));
    const keys = (set: typeof original) => sorted(comparable(set).apiKeys, (k) => `${k.agencyId}/${k.keyId}`);
    expect(keys(reloaded)).toEqual(keys(original));
    expect(keys(original).filter((k) => k.certificate)).toHaveLength(2);
    expect(reloaded.agencyCertificates).toEqual(original.agencyCertificates);
    expect(Object.keys(original.agencyCertificates ?? {})).toEqual(['test-consumer']);
  });

  it('refuses an export without --out', () => {
    expect(() => execFileSync(process.execPath, [join(REPO_ROOT, 'dist', 'apps', 'nix', 'src', 'contracts-export.js')], { cwd: REPO_ROOT, env, stdio: 'pipe' })).toThrow(
      /usage: npm run contracts:export -- --out DIR/,
    );
  });

  it('issues the first working-group key bound to its client certificate, in lines contracts/ accepts as they are', () => {
    const pki = new TestPki().ca('wg-ca', '/CN=WG CA').issue('wg', '/CN=wg-gateway/O=Working Group', 'wg-ca');
    const printed = run('issue-key.js', 'interoperability-working-group', 'wg-first', '--certificate', pki.file('wg.pem'));
    const fingerprint = pki.fingerprint('wg').replace(/:/g, '').toLowerCase();
    expect(printed).toContain(`    certificate: ${fingerprint}\n`);
    const key = /\n {2}(nix_[A-Za-z0-9_-]{43})\n/.exec(printed)![1];
    // The printed lines, pasted into the working group's file as the runbook says.
    const dir = contractsWithBoundKey();
    const [keyLines, certificateLines] = printed.split('under apiKeys:\n\n')[1].split("\nand, so that the certificate is the agency's (beside any it already lists):\n\n");
    appendFileSync(join(dir, 'agencies', 'interoperability-working-group.yaml'), `apiKeys:\n${keyLines}\n${certificateLines.replace(/^ {2}/gm, '')}`);
    const set = loadContracts(dir, ServiceCatalog.load(join(REPO_ROOT, 'schemas')), { production: true });
    const issued = set.apiKeys.find((k) => k.keyId === 'wg-first')!;
    expect(issued).toMatchObject({ agencyId: 'interoperability-working-group', certificate: fingerprint });
    expect(issued.sha256).toBe(createHash('sha256').update(key).digest('hex'));
    expect(set.agencyCertificates?.['interoperability-working-group']).toEqual({ fingerprints: [fingerprint], issuers: [] });
  });

  it('refuses a certificate file that is not a PEM certificate, naming it', () => {
    expect(() => execFileSync(process.execPath, [join(REPO_ROOT, 'dist', 'apps', 'nix', 'src', 'issue-key.js'), 'tax', '--certificate', join(REPO_ROOT, 'package.json')], { cwd: REPO_ROOT, env, stdio: 'pipe' })).toThrow(
      /--certificate .*package\.json: not a readable PEM certificate/,
    );
  });
});
