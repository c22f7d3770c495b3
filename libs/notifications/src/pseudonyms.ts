import { createHmac } from 'node:crypto';

/**
 * A subscribed person's key as the store holds it: HMAC-SHA-256 under a key that lives in configuration only
 * (NIX_SUBSCRIPTION_KEY), never in the store. An event is matched by computing the same pseudonym, so the store
 * never holds, and cannot give back, a national ID (R3).
 *
 * Rotation: the current key makes new pseudonyms; older keys (NIX_SUBSCRIPTION_PREVIOUS_KEYS) still match what they
 * made, and the caller re-keys a stored pseudonym to the current key when it meets the person again (an event for
 * them, or the agency subscribing them again). An HMAC cannot be reversed, so nothing can re-key a person NIX does
 * not see again: an old key is dropped only once the agencies have subscribed their lists again.
 */
export class SubscriptionPseudonyms {
  private readonly previous: readonly string[];

  constructor(
    private readonly key: string,
    previous: readonly string[] = [],
  ) {
    this.previous = previous.filter((k) => k !== key);
  }

  /** Whether older keys are still matched (a rotation is under way). */
  get rotating(): boolean {
    return this.previous.length > 0;
  }

  /** The pseudonym of a person subscribed to one registry's events: the registry is mixed in, so lists do not link across registries. */
  of(registry: string, nationalId: string): Buffer {
    return pseudonymOf(this.key, registry, nationalId);
  }

  /** The person's pseudonyms under the older keys, newest first. */
  previousOf(registry: string, nationalId: string): Buffer[] {
    return this.previous.map((key) => pseudonymOf(key, registry, nationalId));
  }
}

function pseudonymOf(key: string, registry: string, nationalId: string): Buffer {
  return createHmac('sha256', key).update(`nix-subscription-v1\0${registry}\0${nationalId}`).digest();
}
