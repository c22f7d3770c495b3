import type { Agency } from '@nix/domain';
import { GovernanceRepository, LiveGovernance, SqlQuotaCounter, type GovernanceActor } from '@nix/governance';
import { migrate, type SqlClient } from '@nix/ledger';

const WORKING_GROUP: GovernanceActor = { agencyId: 'working-group', roles: ['working-group'] };
const agency = (id: string, roles: Agency['roles'] = ['consumer']): Agency => ({ id, name: { fa: id, en: id }, roles, demo: false });

/** What brokers read and share in the store (migration 0004): the state's version and snapshot, and the quota counter. */
export function governanceLiveSuite(describeFn: jest.Describe, name: string, open: () => Promise<SqlClient>): void {
  describeFn(name, () => {
    let sql: SqlClient;
    let repository: GovernanceRepository;

    beforeAll(async () => {
      sql = await open();
      await migrate(sql);
      repository = new GovernanceRepository(sql);
      await repository.importContracts({ agencies: [agency('working-group', ['working-group'])], apiKeys: [], agreements: [], refusedDemoAgencies: [] });
    });
    afterAll(async () => {
      await sql.close();
    });

    it('moves the version with every audited change, and reads the state with its version in one statement', async () => {
      const before = await repository.stateVersion();
      await repository.registerAgency(WORKING_GROUP, agency('pension-fund'));
      const { keyId } = await repository.issueApiKey(WORKING_GROUP, 'pension-fund');
      expect(await repository.stateVersion()).toBe(before + 2);
      const state = await repository.state();
      expect(state.version).toBe(before + 2);
      expect(state.agencies.map((a) => a.id)).toEqual(['pension-fund', 'working-group']);
      expect(state.apiKeys.map((k) => `${k.agencyId}/${k.keyId}`)).toEqual([`pension-fund/${keyId}`]);
      await repository.revokeApiKey(WORKING_GROUP, 'pension-fund', keyId);
      const revoked = await repository.state();
      expect([revoked.version, revoked.apiKeys]).toEqual([before + 3, []]);
    });

    it('a refused change moves nothing', async () => {
      const before = await repository.stateVersion();
      await expect(repository.registerAgency(WORKING_GROUP, agency('pension-fund'))).rejects.toThrow(/already an agency/);
      expect(await repository.stateVersion()).toBe(before);
    });

    it("a live snapshot sees another process's change at its next poll, and this process's own change at once", async () => {
      const elsewhere = new GovernanceRepository(sql);
      const here = new GovernanceRepository(sql);
      const live = new LiveGovernance(here, { production: true, pollMs: 0 });
      here.onChange(() => live.refresh());
      await live.refresh();
      await here.registerAgency(WORKING_GROUP, agency('insurer'));
      expect(live.current!.agency('insurer')).toBeDefined();
      await elsewhere.registerAgency(WORKING_GROUP, agency('bank'));
      expect(live.current!.agency('bank')).toBeUndefined();
      await live.refresh();
      expect(live.current!.agency('bank')).toBeDefined();
    });

    it("notes a key's last day of use, never moving it back", async () => {
      const { keyId } = await repository.issueApiKey(WORKING_GROUP, 'insurer');
      const version = await repository.stateVersion();
      await repository.recordKeyUse('insurer', keyId, '2026-11-30');
      await repository.recordKeyUse('insurer', keyId, '2026-11-29');
      const key = (await repository.apiKeys()).find((k) => k.keyId === keyId)!;
      expect(key.lastUsedDay).toBe('2026-11-30');
      expect(await repository.stateVersion()).toBe(version);
    });

    it('leases a day of quota to concurrent brokers without ever granting more than it, and takes back what they release', async () => {
      const counters = [new SqlQuotaCounter(sql), new SqlQuotaCounter(sql), new SqlQuotaCounter(sql)];
      const leases = await Promise.all(Array.from({ length: 60 }, (_, i) => counters[i % 3].lease('ag-quota', '2026-11-30', 3, 100)));
      expect(leases.reduce((sum, l) => sum + l.granted, 0)).toBe(100);
      expect(Math.max(...leases.map((l) => l.total))).toBe(100);
      expect(leases.filter((l) => l.granted === 0).length).toBeGreaterThanOrEqual(26);
      await counters[0].release('ag-quota', '2026-11-30', 7);
      expect(await counters[1].lease('ag-quota', '2026-11-30', 10, 100)).toEqual({ granted: 7, total: 100 });
      await counters[2].settle('ag-quota', '2026-11-30', 5);
      expect(await counters[2].granted('ag-quota', '2026-11-30')).toBe(105);
      expect(await counters[2].lease('ag-quota', '2026-11-30', 10, 100)).toEqual({ granted: 0, total: 105 });
      expect(await counters[2].lease('ag-quota', '2026-12-01', 10, 100)).toEqual({ granted: 10, total: 10 });
      await counters[0].prune('2026-12-01');
      expect([await counters[0].granted('ag-quota', '2026-11-30'), await counters[0].granted('ag-quota', '2026-12-01')]).toEqual([0, 10]);
    });
  });
}
