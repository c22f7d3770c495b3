import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ServiceCatalog } from '@nix/catalog';
import { loadContracts, type ContractSet } from '@nix/contracts';
import { cidrsOf, GovernanceRepository } from '@nix/governance';
import { migrate, type SqlClient } from '@nix/ledger';
import { contractsWith, REPO_ROOT, sha256 } from './fixtures';

/** A ContractSet with its networks as CIDR strings, so that two sets compare with toEqual. */
export function comparable(set: ContractSet) {
  return { ...set, apiKeys: set.apiKeys.map((k) => ({ ...k, networks: k.networks ? cidrsOf(k.networks) : null })) };
}

/** contracts/ plus a consumer with a network-bound, expiring key, so that every field of a key makes the round trip. */
export function contractsWithBoundKey(): string {
  return contractsWith({
    'agencies/test-consumer.yaml': [
      'id: test-consumer',
      'name: {fa: مصرف‌کننده آزمایشی, en: Test consumer}',
      'roles: [consumer]',
      'apiKeys:',
      `  - {id: office, sha256: ${sha256('test-consumer-office-key')}, networks: [10.20.0.0/16, 192.0.2.7, "2001:db8::/32"], expires: 2027-01-31}`,
      `  - {id: spare, sha256: ${sha256('test-consumer-spare-key')}}`,
      '',
    ].join('\n'),
    'agreements/test-consumer.yaml': [
      'consumer: test-consumer',
      'agreements:',
      '  - {id: test-identity-person, registry: identity, service: person, dataItems: [firstName, alive], purposes: [taxpayer-registration], validFrom: 2026-03-21, validUntil: 2027-03-20, dailyQuota: 10}',
      '',
    ].join('\n'),
  });
}

export function writeExport(files: { path: string; content: string }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'nix-export-'));
  for (const file of files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.content);
  }
  return dir;
}

/** The governance store's guarantees, run against the embedded store and against PostgreSQL. */
export function governanceStoreSuite(describeFn: jest.Describe, name: string, open: () => Promise<SqlClient>): void {
  describeFn(name, () => {
    const catalog = ServiceCatalog.load(join(REPO_ROOT, 'schemas'));
    let sql: SqlClient;
    let repository: GovernanceRepository;

    beforeAll(async () => {
      sql = await open();
      await migrate(sql);
      repository = new GovernanceRepository(sql);
    });
    afterAll(async () => {
      await sql.close();
    });

    it('imports contracts/ into the empty store once, exports it as the same YAML, and audits every import', async () => {
      const contractsDir = contractsWithBoundKey();
      const original = loadContracts(contractsDir, catalog, { production: false });
      expect(original.agreements.find((a) => a.id === 'tax-identity-person-1405')?.resolution).toBe('IWG-1404-42');
      expect(await repository.isEmpty()).toBe(true);

      expect(await repository.bootstrap(original)).toBe(true);
      expect(await repository.bootstrap(original)).toBe(false);

      const agencies = await repository.agencies();
      expect(agencies.map((a) => a.id)).toEqual(original.agencies.map((a) => a.id).sort());
      const keys = await repository.apiKeys();
      expect(keys.find((k) => k.keyId === 'office')).toMatchObject({ agencyId: 'test-consumer', expires: '2027-01-31', lastUsedDay: null, revokedAt: null });
      expect(cidrsOf(keys.find((k) => k.keyId === 'office')!.networks!)).toEqual(['10.20.0.0/16', '192.0.2.7/32', '2001:db8::/32']);
      const agreements = await repository.agreements();
      expect(agreements.find((a) => a.id === 'tax-identity-person-1405')).toMatchObject({ resolution: 'IWG-1404-42', status: 'active', dailyQuota: 2000000, validFrom: '2026-03-21' });

      const exportDir = writeExport(await repository.exportContracts());
      const reloaded = loadContracts(exportDir, catalog, { production: false });
      const byId = <T extends { id: string }>(list: T[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
      const byKey = (set: ContractSet) => [...comparable(set).apiKeys].sort((a, b) => `${a.agencyId}/${a.keyId}`.localeCompare(`${b.agencyId}/${b.keyId}`));
      expect(byId(reloaded.agencies)).toEqual(byId(original.agencies));
      expect(byId(reloaded.agreements)).toEqual(byId(original.agreements));
      expect(byKey(reloaded)).toEqual(byKey(original));

      const log = await repository.auditLog();
      const imported = original.agencies.length + original.apiKeys.length + original.agreements.length;
      expect(log).toHaveLength(imported);
      expect(log.every((e) => e.actor === 'contracts-import' && e.before === null)).toBe(true);
      expect(log.find((e) => e.subject === 'agreement:tax-identity-person-1405')?.after).toMatchObject({ resolution: 'IWG-1404-42' });
    });

    it('imports on demand as an upsert: only what changed is written, each change audited with before and after', async () => {
      const before = (await repository.auditLog()).length;
      const contractsDir = contractsWithBoundKey();
      const set = loadContracts(contractsDir, catalog, { production: false });
      expect((await repository.importContracts(set)).changed).toBe(0);

      const raised = { ...set, agreements: set.agreements.map((a) => (a.id === 'test-identity-person' ? { ...a, dailyQuota: 20, resolution: 'IWG-1405-9' } : a)) };
      expect((await repository.importContracts(raised, 'interoperability-working-group')).changed).toBe(1);
      expect((await repository.agreements()).find((a) => a.id === 'test-identity-person')).toMatchObject({ dailyQuota: 20, resolution: 'IWG-1405-9' });
      const log = await repository.auditLog();
      expect(log).toHaveLength(before + 1);
      expect(log[log.length - 1]).toMatchObject({
        actor: 'interoperability-working-group',
        action: 'agreement.import',
        subject: 'agreement:test-identity-person',
        before: { dailyQuota: 10, resolution: null },
        after: { dailyQuota: 20, resolution: 'IWG-1405-9' },
      });
    });

    it('keeps the audit log append-only: UPDATE, DELETE and TRUNCATE are refused', async () => {
      const count = (await repository.auditLog()).length;
      expect(count).toBeGreaterThan(0);
      await expect(sql.query("UPDATE governance_audit SET actor = 'someone-else'")).rejects.toThrow(/append-only/);
      await expect(sql.query('DELETE FROM governance_audit')).rejects.toThrow(/append-only/);
      await expect(sql.query('TRUNCATE governance_audit')).rejects.toThrow(/append-only/);
      const log = await repository.auditLog();
      expect(log).toHaveLength(count);
      expect(log.some((e) => e.actor === 'someone-else')).toBe(false);
    });

    it('holds key hashes only: a key column cannot take anything but a SHA-256', async () => {
      await expect(
        sql.query("INSERT INTO governance_api_key (agency_id, key_id, sha256) VALUES ('test-consumer', 'raw', 'nix_live_not-a-hash')"),
      ).rejects.toThrow();
      expect((await repository.apiKeys()).map((k) => k.keyId)).not.toContain('raw');
    });
  });
}
