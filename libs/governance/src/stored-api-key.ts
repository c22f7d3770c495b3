import type { ApiKeyEntry } from '@nix/contracts';

/** An API key as the store holds it: its hash, never the key. */
export interface StoredApiKey extends ApiKeyEntry {
  createdAt: Date;
  lastUsedDay: string | null;
  revokedAt: Date | null;
}
