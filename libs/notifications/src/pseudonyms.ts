import { createHmac } from 'node:crypto';

/**
 * A subscribed person's key as the store holds it: HMAC-SHA-256 under a key that lives in configuration only
 * (NIX_SUBSCRIPTION_KEY), never in the store. An event is matched by computing the same pseudonym, so the store
 * never holds, and cannot give back, a national ID (R3).
 */
export class SubscriptionPseudonyms {
  constructor(private readonly key: string) {}

  /** The pseudonym of a person subscribed to one registry's events: the registry is mixed in, so lists do not link across registries. */
  of(registry: string, nationalId: string): Buffer {
    return createHmac('sha256', this.key).update(`nix-subscription-v1\0${registry}\0${nationalId}`).digest();
  }
}
