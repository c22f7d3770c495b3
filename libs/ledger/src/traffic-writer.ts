import { basename, dirname, join } from 'node:path';
import type { Clock, TrafficRecord } from '@nix/domain';
import type { NixMetrics } from '@nix/observability';
import type { TrafficJournal } from './traffic-journal';
import { FileTrafficQuarantine, writeIsolating, type IsolatedWrite, type TrafficBatchStore, type TrafficQuarantine } from './traffic-quarantine';
import type { TrafficSink, TrafficSinkHealth } from './traffic-sink';
import type { TrafficSpool } from './traffic-spool';

export type { TrafficBatchStore } from './traffic-quarantine';

export interface TrafficWriterOptions {
  batchSize: number;
  flushIntervalMs: number;
  /** Records held in memory at most; beyond it they go to the spool. */
  bufferLimit: number;
  /** Written nothing for this long while records wait: the writer is stalled (readiness fails). */
  stallMs?: number;
}

export interface TrafficWriterParts {
  /** Times stalls and retries. */
  clock: Clock;
  /** Where records that can never be written go; a file beside the spool by default. */
  quarantine?: TrafficQuarantine;
  /** With a journal (NIX_LEDGER_DURABILITY=sync), recordDurably() resolves once the record is on disk. */
  journal?: TrafficJournal | null;
}

/**
 * Takes traffic records without ever blocking the inquiry path, and writes
 * them in batches. A batch that fails for a transient reason stays and is
 * retried with backoff; records that can never be written are isolated and
 * quarantined, so they never hold up the others. When memory is full, or at
 * shutdown with the store down, records go to the spool on disk. No record
 * is dropped.
 */
export class TrafficWriter implements TrafficSink {
  private buffer: TrafficRecord[] = [];
  private writing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private retryAt = 0;
  /** Records that left the buffer (stored, quarantined or spooled) since start: the journal's release mark. */
  private removed = 0;
  /** Since when records have waited without any being written; null while nothing waits. */
  private waitingSince: number | null = null;
  private readonly quarantine: TrafficQuarantine;
  private readonly journal: TrafficJournal | null;
  private readonly clock: Clock;

  constructor(
    private readonly store: TrafficBatchStore,
    private readonly options: TrafficWriterOptions,
    private readonly spool: TrafficSpool | null,
    private readonly metrics: NixMetrics | undefined,
    parts: TrafficWriterParts,
  ) {
    this.quarantine = parts.quarantine ?? new FileTrafficQuarantine(join(dirname(spool?.dir ?? join(process.cwd(), 'data', 'spool')), 'quarantine'));
    this.journal = parts.journal ?? null;
    this.clock = parts.clock;
  }

  start(): this {
    this.timer ??= setInterval(() => {
      void this.drain();
      this.metrics?.ledgerStalled.set(this.stalledMs / 1000);
    }, this.options.flushIntervalMs);
    this.timer.unref();
    return this;
  }

  record(record: TrafficRecord): void {
    void this.take(record)?.catch(() => undefined);
  }

  /**
   * Takes a record and resolves once it is durable: synced to the journal
   * (or to the spool when memory is full). Without a journal it resolves at
   * once, as record() does. Rejects if the disk refused it; the record is
   * then still buffered and will be written.
   */
  recordDurably(record: TrafficRecord): Promise<void> {
    return this.take(record) ?? Promise.resolve();
  }

  get durable(): boolean {
    return this.journal !== null;
  }

  private take(record: TrafficRecord): Promise<void> | undefined {
    this.waitingSince ??= this.clock.now();
    let durable: Promise<void> | undefined;
    if (this.buffer.length >= this.options.bufferLimit && this.spool) {
      this.spool.append([record]);
    } else {
      this.buffer.push(record);
      durable = this.journal?.append(record);
    }
    this.metrics?.ledgerBuffered.set(this.buffer.length);
    if (this.buffer.length >= this.options.batchSize && !this.writing && this.clock.now() >= this.retryAt) void this.drain();
    return durable;
  }

  get buffered(): number {
    return this.buffer.length + (this.spool?.unsealed ?? 0);
  }

  /** True while writes fail. */
  get degraded(): boolean {
    return this.failures > 0;
  }

  /** How long records have waited with nothing written; 0 when nothing waits. */
  get stalledMs(): number {
    return this.waitingSince === null ? 0 : Math.max(0, this.clock.now() - this.waitingSince);
  }

  /** Records have waited longer than the stall limit with nothing written. */
  get stalled(): boolean {
    return this.options.stallMs !== undefined && this.stalledMs > this.options.stallMs;
  }

  health(): TrafficSinkHealth {
    return { buffered: this.buffered, writing: !this.degraded, stalledMs: this.stalledMs, stalled: this.stalled };
  }

  /** Writes what is buffered; answers once the buffer is empty or a write failed. */
  drain(): Promise<void> {
    if (this.clock.now() < this.retryAt) return Promise.resolve();
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
      this.removeHead(this.buffer.length);
    }
    this.spool?.seal();
    this.metrics?.ledgerBuffered.set(this.buffer.length);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.writing;
    await this.flush();
    await this.journal?.close();
    await this.store.close?.();
  }

  private removeHead(count: number): void {
    this.buffer.splice(0, count);
    this.removed += count;
    this.journal?.release(this.removed);
  }

  private counted(result: IsolatedWrite, source: 'writer' | 'spool'): void {
    this.metrics?.ledgerWritten.inc(result.written);
    if (result.quarantined > 0) this.metrics?.ledgerQuarantined.inc({ source }, result.quarantined);
    // Progress: whatever waits now has waited only since this write.
    this.waitingSince = this.waitingSince === null ? null : this.clock.now();
  }

  private async writeAll(): Promise<void> {
    try {
      while (this.buffer.length > 0) {
        const batch = this.buffer.slice(0, this.options.batchSize);
        const result = await writeIsolating(this.store, batch, 'writer', this.quarantine);
        this.removeHead(batch.length);
        this.counted(result, 'writer');
      }
      if (this.spool?.mayHoldFiles) await this.replaySpool();
      this.failures = 0;
      if (this.buffer.length === 0 && !this.spool?.unsealed) this.waitingSince = null;
    } catch {
      this.failures++;
      this.waitingSince ??= this.clock.now();
      this.retryAt = this.clock.now() + Math.min(5000, 100 * 2 ** Math.min(this.failures, 6));
      this.metrics?.ledgerWriteFailures.inc();
    } finally {
      this.metrics?.ledgerBuffered.set(this.buffer.length);
      this.metrics?.ledgerLag.set(this.buffer.length > 0 ? (this.clock.now() - this.buffer[0].respondedAt) / 1000 : 0);
      this.metrics?.ledgerStalled.set(this.stalledMs / 1000);
    }
  }

  /** Spool files, oldest first, each isolated as the buffer is: a bad line never keeps the file's good records out. */
  private async replaySpool(): Promise<void> {
    const spool = this.spool!;
    spool.seal();
    for (const file of spool.pending()) {
      const { records, unreadable } = spool.read(file);
      const source = `spool ${basename(file)}`;
      if (unreadable > 0) {
        const entries = Array.from({ length: unreadable }, () => ({ source, reason: 'unreadable spool line (not JSON)', exchangeId: null, record: null }));
        await this.quarantine.put(entries);
        this.metrics?.ledgerQuarantined.inc({ source: 'spool' }, unreadable);
      }
      for (let i = 0; i < records.length; i += this.options.batchSize) {
        this.counted(await writeIsolating(this.store, records.slice(i, i + this.options.batchSize), source, this.quarantine), 'spool');
      }
      spool.remove(file);
    }
    spool.mayHoldFiles = spool.unsealed > 0;
  }
}
