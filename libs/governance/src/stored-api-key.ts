import type { ApiKeyEntry } from '@nix/contracts';
import { isWorkingGroup, type GovernanceActor } from './actor';
import { NotPermittedError } from './governance-error';

/** An API key as the store holds it: its hash, never the key. */
export interface StoredApiKey extends ApiKeyEntry {
  createdAt: Date;
  lastUsedDay: string | null;
  revokedAt: Date | null;
}

/** Keys are managed by the working group, or by the agency for itself. */
export function requireKeyManager(actor: GovernanceActor, agencyId: string, action: string): void {
  if (!isWorkingGroup(actor) && actor.agencyId !== agencyId) throw new NotPermittedError(actor.agencyId, `${action} keys of ${agencyId}`);
}
