import type { ContractSet } from '@nix/contracts';
import { GovernanceSnapshot, LiveGovernance, QuotaLeases } from '@nix/governance';
import { MemoryQuotaCounter } from '@nix/governance/testing';
import { AccessService, type KeyUseLog } from '../access/access.service';
import type { KeyHasher } from '../access/key-hasher';

/** Key uses, noted in memory. */
export class MemoryKeyUseLog implements KeyUseLog {
  readonly uses: string[] = [];
  async recordKeyUse(agencyId: string, keyId: string, day: string): Promise<void> {
    this.uses.push(`${agencyId}/${keyId}@${day}`);
  }
}

/** Access control over contract files that never change, with quotas counted in memory. */
export function accessServiceOf(contracts: ContractSet, hasher: KeyHasher, counter = new MemoryQuotaCounter(), keyUse: KeyUseLog = new MemoryKeyUseLog(), demoCoverage = false): AccessService {
  return new AccessService(LiveGovernance.fixed(GovernanceSnapshot.ofContracts(contracts)), hasher, new QuotaLeases(counter), keyUse, demoCoverage);
}
