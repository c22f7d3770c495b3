import type { TrafficRecord } from '@nix/domain';
import type { TrafficSink } from '../traffic-sink';

/** Keeps traffic records in memory: a TrafficSink for specs and tests, never for a deployment. */
export class MemoryTrafficLedger implements TrafficSink {
  readonly records: TrafficRecord[] = [];

  record(record: TrafficRecord): void {
    this.records.push(record);
  }

  async flush(): Promise<void> {
    // Nothing is buffered.
  }
}
