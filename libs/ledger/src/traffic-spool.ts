import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { TrafficRecord } from '@nix/domain';

/**
 * Where traffic records wait on local disk when neither the database nor
 * Kafka can take them and the memory buffer is full, or at shutdown. They are
 * metadata only (R3), so they may be kept; they are replayed, in order, as
 * soon as the ledger takes writes again.
 */
export class TrafficSpool {
  private sequence = 0;
  private segment = 0;
  private current = '';
  /** Whether files may be waiting: true at start (an earlier run may have left some) and after each append. */
  mayHoldFiles = true;

  constructor(
    readonly dir: string,
    /** Sync every append to disk (NIX_LEDGER_DURABILITY=sync): spooled records then survive a power loss, not only a crash. */
    private readonly options: { sync?: boolean } = {},
  ) {
    mkdirSync(dir, { recursive: true });
  }

  append(records: readonly TrafficRecord[]): void {
    if (records.length === 0) return;
    if (this.sequence === 0) {
      // Names sort in the order the records were spooled.
      this.current = join(this.dir, `traffic-${String(Date.now()).padStart(15, '0')}-${process.pid}-${this.segment++}.jsonl.open`);
    }
    const fd = openSync(this.current, 'a');
    try {
      writeSync(fd, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
      if (this.options.sync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.sequence += records.length;
    this.mayHoldFiles = true;
  }

  /** Closes the file being written so that it can be replayed. */
  seal(): void {
    if (this.sequence === 0) return;
    renameSync(this.current, this.current.replace(/\.open$/, ''));
    this.sequence = 0;
  }

  /** Sealed files, oldest first, including those left by an earlier run. */
  pending(): string[] {
    const sealed = readdirSync(this.dir).filter((f) => f.endsWith('.jsonl')).sort();
    // A file left open by a run that crashed is complete up to its last newline.
    const orphans = readdirSync(this.dir).filter((f) => f.endsWith('.jsonl.open') && (this.sequence === 0 || join(this.dir, f) !== this.current));
    for (const orphan of orphans) renameSync(join(this.dir, orphan), join(this.dir, orphan.replace(/\.open$/, '')));
    return [...sealed, ...orphans.map((f) => f.replace(/\.open$/, ''))].sort().map((f) => join(this.dir, f));
  }

  /**
   * The records of a file, as parsed JSON (the writer validates them), and
   * how many lines could not be read. A last line without its newline was
   * cut short by a crash and is dropped: its answer never left (it was not
   * synced), or it is also in the journal.
   */
  read(file: string): { records: unknown[]; unreadable: number } {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.pop(); // after the last newline: empty, or a line cut short
    const records: unknown[] = [];
    let unreadable = 0;
    for (const line of lines) {
      if (line.trim().length === 0) continue;
      try {
        records.push(JSON.parse(line));
      } catch {
        unreadable++;
      }
    }
    return { records, unreadable };
  }

  remove(file: string): void {
    rmSync(file, { force: true });
  }

  get unsealed(): number {
    return this.sequence;
  }
}
