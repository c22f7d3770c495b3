import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CopyFollowUp, SqlClient } from './sql-client';

interface Pending {
  resolve(rows: unknown[], archive?: ArrayBuffer): void;
  reject(error: Error): void;
}

/** The embedded store: PGlite (PostgreSQL in WebAssembly) in a worker thread, its files under a directory. */
export class PgliteSqlClient implements SqlClient {
  readonly kind = 'pglite' as const;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.worker = new Worker(join(__dirname, 'pglite-worker.js'), { workerData: { dataDir } });
    // The worker must not keep a process alive that has nothing else to do.
    this.worker.unref();
    this.worker.on('message', (message: { id: number; rows?: unknown[]; archive?: ArrayBuffer; error?: { message: string; code?: string } }) => {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.error) pending.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else pending.resolve(message.rows ?? [], message.archive);
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`the embedded store stopped (exit ${code})`)));
  }

  query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.send({ op: 'query', sql, params }) as Promise<T[]>;
  }

  async exec(sql: string): Promise<void> {
    await this.send({ op: 'exec', sql });
  }

  /**
   * COPY FROM the bytes (the server reads them as the file /dev/blob), then the statements after it, in one
   * transaction; answers the last statement's rows. The bytes are transferred to the worker, not cloned: the caller
   * must not use them afterwards.
   */
  copyFrom<T>(copySql: string, bytes: Uint8Array, then: readonly CopyFollowUp[]): Promise<T[]> {
    const owned = bytes.byteOffset === 0 && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes.slice().buffer;
    return this.send({ op: 'copy', copy: copySql, bytes: owned, length: bytes.byteLength, then }, undefined, [owned]) as Promise<T[]>;
  }

  /**
   * A gzipped tarball of the data directory, taken inside the running store: PGlite runs one statement at a time and
   * copies its files holding that lock, so the archive holds exactly the transactions committed before it started.
   */
  async dumpDataDir(): Promise<Buffer> {
    let archive: ArrayBuffer | undefined;
    await this.send({ op: 'dump' }, (bytes) => (archive = bytes));
    if (!archive) throw new Error('the embedded store returned no archive');
    return Buffer.from(archive);
  }

  async close(): Promise<void> {
    if (this.failure) return;
    await this.send({ op: 'close' }).catch(() => undefined);
    this.failure = new Error('the embedded store is closed');
    await this.worker.terminate();
  }

  private send(request: Record<string, unknown>, onArchive?: (archive: ArrayBuffer) => void, transfer: ArrayBuffer[] = []): Promise<unknown[]> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        resolve: (rows, archive) => {
          if (archive) onArchive?.(archive);
          resolve(rows);
        },
        reject,
      });
      this.worker.postMessage({ id, ...request }, transfer);
    });
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

export function embeddedStoreDir(dataDir: string): string {
  return join(dataDir, 'ledger');
}
