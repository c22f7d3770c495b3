import { mkdirSync, readdirSync, renameSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrafficRecord } from '@nix/domain';

interface Segment {
  file: string;
  handle: FileHandle | null;
  /** Sequence numbers [first, end) of the records appended to it. */
  first: number;
  end: number;
}

interface Waiter {
  line: string;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * The write-ahead journal of NIX_LEDGER_DURABILITY=sync: every traffic record
 * is appended and synced to disk (fdatasync) before its answer leaves. Appends
 * made while a sync runs wait for the next one, so concurrent answers share
 * one sync (group commit). Once the writer reports records as stored (or
 * spooled durably), the segments holding only those are deleted. Segments
 * left by a process that died are moved into the spool at start, and replayed
 * from there: writes are idempotent on exchange ID, so a record both journaled
 * and stored is stored once.
 */
export class TrafficJournal {
  private segments: Segment[] = [];
  private queue: Waiter[] = [];
  private committing: Promise<void> | null = null;
  /** Records appended so far; the next one gets this sequence number. */
  private appended = 0;
  private committed = 0;
  private released = 0;
  private serial = 0;
  /** Syncs to disk so far: fewer than appends when answers share them. */
  syncs = 0;

  constructor(
    readonly dir: string,
    spoolDir: string,
    private readonly segmentRecords = 20_000,
  ) {
    TrafficJournal.recover(dir, spoolDir);
  }

  /** Moves what an earlier process left in the journal into the spool, to be replayed; also run when sync is off, so a switch loses nothing. */
  static recover(dir: string, spoolDir: string): void {
    mkdirSync(dir, { recursive: true });
    mkdirSync(spoolDir, { recursive: true });
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) renameSync(join(dir, file), join(spoolDir, file));
  }

  /** Appends a record; resolves once it is on disk. The writer appends in the order it buffers. */
  append(record: TrafficRecord): Promise<void> {
    this.appended++;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ line: JSON.stringify(record) + '\n', resolve, reject });
      this.committing ??= this.commitAll();
    });
  }

  /** The writer has stored (or durably spooled) the first `count` records appended: their segments may go. */
  release(count: number): void {
    this.released = Math.max(this.released, Math.min(count, this.appended));
    this.trim();
  }

  /** Files holding records not yet released. */
  get files(): number {
    return this.segments.length;
  }

  async close(): Promise<void> {
    await this.committing;
    this.trim();
    await Promise.all(this.segments.flatMap((s) => (s.handle ? [s.handle.close()] : [])));
    for (const s of this.segments) s.handle = null;
  }

  private async commitAll(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue.splice(0);
      const first = this.committed;
      this.committed += group.length;
      try {
        const segment = await this.segmentFor(first);
        await segment.handle!.write(group.map((w) => w.line).join(''));
        await segment.handle!.datasync();
        this.syncs++;
        segment.end = this.committed;
        for (const w of group) w.resolve();
      } catch (error) {
        for (const w of group) w.reject(error as Error);
      }
    }
    this.committing = null;
    this.trim();
  }

  /** The open segment, or a new one when there is none or it is full. */
  private async segmentFor(first: number): Promise<Segment> {
    let current = this.segments.at(-1);
    if (current?.handle && current.end - current.first >= this.segmentRecords) {
      await current.handle.close();
      current.handle = null;
    }
    if (!current?.handle) {
      // Names sort with the spool's, by time, so a replay keeps the order.
      const file = join(this.dir, `traffic-${String(Date.now()).padStart(15, '0')}-${process.pid}-j${this.serial++}.jsonl`);
      current = { file, handle: await open(file, 'a'), first, end: first };
      this.segments.push(current);
    }
    return current;
  }

  /** Deletes segments whose records are all released: sealed ones, and the open one while no sync runs. */
  private trim(): void {
    const idle = this.committing === null && this.queue.length === 0;
    this.segments = this.segments.filter((segment) => {
      if (segment.end > this.released || (segment.handle !== null && !idle)) return true;
      const { handle, file } = segment;
      segment.handle = null;
      void (handle ? handle.close() : Promise.resolve()).then(() => rm(file, { force: true })).catch(() => undefined);
      return false;
    });
  }
}

export function journalDir(dataDir: string): string {
  return join(dataDir, 'journal');
}
