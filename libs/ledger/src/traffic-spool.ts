import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
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

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  append(records: readonly TrafficRecord[]): void {
    if (records.length === 0) return;
    if (this.sequence === 0) {
      // Names sort in the order the records were spooled.
      this.current = join(this.dir, `traffic-${String(Date.now()).padStart(15, '0')}-${process.pid}-${this.segment++}.jsonl.open`);
    }
    appendFileSync(this.current, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
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

  read(file: string): TrafficRecord[] {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as TrafficRecord];
        } catch {
          return []; // a line cut short by a crash
        }
      });
  }

  remove(file: string): void {
    rmSync(file, { force: true });
  }

  get unsealed(): number {
    return this.sequence;
  }
}
