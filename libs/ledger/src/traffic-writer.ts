import type { TrafficRecord } from '@nix/domain';
import type { NixMetrics } from '@nix/observability';
import type { TrafficSink } from './traffic-sink';
import type { TrafficSpool } from './traffic-spool';

/** Whatever takes batches of records for good: the ledger's repository, or Kafka. */
export interface TrafficBatchStore {
  insertBatch(records: readonly TrafficRecord[]): Promise<unknown>;
  /** Releases connections the store opened itself. */
  close?(): Promise<void>;
}

export interface TrafficWriterOptions {
  batchSize: number;
  flushIntervalMs: number;
  /** Records held in memory at most; beyond it they go to the spool. */
  bufferLimit: number;
}

/**
 * Takes traffic records without ever blocking the inquiry path, and writes
 * them in batches. A failed batch stays and is retried with backoff; when
 * memory is full, or at shutdown with the store down, records go to the
 * spool on disk. No record is dropped.
 */
export class TrafficWriter implements TrafficSink {
  private buffer: TrafficRecord[] = [];
  private writing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private retryAt = 0;
  lastError: Error | null = null;

  constructor(
    private readonly store: TrafficBatchStore,
    private readonly options: TrafficWriterOptions,
    private readonly spool: TrafficSpool | null,
    private readonly metrics?: NixMetrics,
  ) {}

  start(): this {
    this.timer ??= setInterval(() => void this.drain(), this.options.flushIntervalMs);
    this.timer.unref();
    return this;
  }

  record(record: TrafficRecord): void {
    if (this.buffer.length >= this.options.bufferLimit && this.spool) this.spool.append([record]);
    else this.buffer.push(record);
    this.metrics?.ledgerBuffered.set(this.buffer.length);
    if (this.buffer.length >= this.options.batchSize && !this.writing && Date.now() >= this.retryAt) void this.drain();
  }

  get buffered(): number {
    return this.buffer.length + (this.spool?.unsealed ?? 0);
  }

  /** True while writes fail. */
  get degraded(): boolean {
    return this.failures > 0;
  }

  /** Writes what is buffered; answers once the buffer is empty or a write failed. */
  drain(): Promise<void> {
    if (Date.now() < this.retryAt) return Promise.resolve();
    this.writing ??= this.writeAll().finally(() => {
      this.writing = null;
    });
    return this.writing;
  }

  /** Writes everything; whatever the store will not take now goes to the spool. */
  async flush(): Promise<void> {
    this.retryAt = 0;
    await this.drain();
    if (this.buffer.length > 0 && this.spool) {
      this.spool.append(this.buffer);
      this.buffer = [];
    }
    this.spool?.seal();
    this.metrics?.ledgerBuffered.set(this.buffer.length);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.writing;
    await this.flush();
    await this.store.close?.();
  }

  private async writeAll(): Promise<void> {
    try {
      while (this.buffer.length > 0) {
        const batch = this.buffer.slice(0, this.options.batchSize);
        await this.store.insertBatch(batch);
        this.buffer.splice(0, batch.length);
        this.metrics?.ledgerWritten.inc(batch.length);
      }
      if (this.spool?.mayHoldFiles) await this.replaySpool();
      this.failures = 0;
      this.lastError = null;
    } catch (error) {
      this.failures++;
      this.lastError = error as Error;
      this.retryAt = Date.now() + Math.min(5000, 100 * 2 ** Math.min(this.failures, 6));
      this.metrics?.ledgerWriteFailures.inc();
    } finally {
      this.metrics?.ledgerBuffered.set(this.buffer.length);
      this.metrics?.ledgerLag.set(this.buffer.length > 0 ? (Date.now() - this.buffer[0].respondedAt) / 1000 : 0);
    }
  }

  private async replaySpool(): Promise<void> {
    this.spool!.seal();
    for (const file of this.spool!.pending()) {
      const records = this.spool!.read(file);
      for (let i = 0; i < records.length; i += this.options.batchSize) {
        await this.store.insertBatch(records.slice(i, i + this.options.batchSize));
      }
      this.spool!.remove(file);
      this.metrics?.ledgerWritten.inc(records.length);
    }
    this.spool!.mayHoldFiles = this.spool!.unsealed > 0;
  }
}
