import { v7 } from 'uuid';
import type { ExchangeIdGenerator } from '@nix/domain';

/** UUIDv7: unique, and sortable by the time the exchange began. */
export class UuidV7ExchangeIds implements ExchangeIdGenerator {
  next(): string {
    return v7();
  }
}
