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
  /** Flushes, then releases what the sink opened; sinks that hold nothing only flush. */
  close?(): Promise<void>;
  /** How its writing goes, for readiness; a sink that cannot fall behind has none. */
  health?(): TrafficSinkHealth;
}

/** What a sink says about its writing. */
export interface TrafficSinkHealth {
  /** Records waiting, in memory or in the spool. */
  buffered: number;
  /** false while writes fail. */
  writing: boolean;
  /** How long records have waited with nothing written. */
  stalledMs: number;
  /** Waited past the stall limit (NIX_LEDGER_STALL_S): the process is unready. */
  stalled: boolean;
}

export const TRAFFIC_SINK = Symbol('TRAFFIC_SINK');
