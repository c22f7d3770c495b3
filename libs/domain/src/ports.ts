/** The clock, behind a port so that time-dependent rules are testable. */
export interface Clock {
  /** Milliseconds since the epoch, with sub-millisecond precision where the host has it. */
  now(): number;
}

/** Makes exchange IDs: unique and ordered by time (UUIDv7). */
export interface ExchangeIdGenerator {
  next(): string;
}
