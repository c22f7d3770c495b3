import { createHmac, hash } from 'node:crypto';

/** The crypto port of access control and the ledger. */
export interface KeyHasher {
  /** SHA-256 of an API key, hex: what contracts/ holds instead of the key. */
  apiKeyHash(key: string): string;
  /** Keyed digest of a consumer's tracking code: findable by whoever knows the code and the key, readable by nobody. */
  trackingDigest(consumer: string, trackingCode: string): string;
}

export const KEY_HASHER = Symbol('KEY_HASHER');

export class NodeKeyHasher implements KeyHasher {
  constructor(private readonly trackingKey: string) {}

  apiKeyHash(key: string): string {
    // One-shot: no Hash object per inquiry.
    return hash('sha256', key, 'hex');
  }

  trackingDigest(consumer: string, trackingCode: string): string {
    return createHmac('sha256', this.trackingKey).update(`${consumer}\u0000${trackingCode}`).digest('base64url').slice(0, 32);
  }
}
