import type { TrafficRecord } from '@nix/domain';

/**
 * Where the broker hands each exchange's traffic record. It must not block
 * the inquiry and must not lose the record: implementations buffer, publish
 * or write in batches.
 */
export interface TrafficSink {
  record(record: TrafficRecord): void;
  /** Takes a record and resolves once it is durable (NIX_LEDGER_DURABILITY=sync); sinks without durability resolve at once. */
  recordDurably?(record: TrafficRecord): Promise<void>;
  /** Writes or publishes everything still buffered. */
  flush(): Promise<void>;
}

export const TRAFFIC_SINK = Symbol('TRAFFIC_SINK');
