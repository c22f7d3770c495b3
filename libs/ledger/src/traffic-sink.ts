import type { TrafficRecord } from '@nix/domain';

/**
 * Where the broker hands each exchange's traffic record. It must not block
 * the inquiry and must not lose the record: implementations buffer, publish
 * or write in batches.
 */
export interface TrafficSink {
  record(record: TrafficRecord): void;
  /** Writes or publishes everything still buffered. */
  flush(): Promise<void>;
}

export const TRAFFIC_SINK = Symbol('TRAFFIC_SINK');
