import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointStatement, LedgerChain, type ChainHead, type Clock, type TrafficRecord } from '@nix/domain';
import type { SqlClient } from './sql/sql-client';
import type { TrafficSink, TrafficSinkHealth } from './traffic-sink';

/** A signed checkpoint of one instance's chain. */
export interface LedgerCheckpoint {
  instance: string;
  seq: number;
  hash: string;
  /** SPKI DER, base64. */
  publicKey: string;
  /** Ed25519 over checkpointStatement(instance, seq, hash), base64. */
  signature: string;
}

/** Signs checkpoints with an Ed25519 key (PKCS#8 DER in base64, as NIX_LEDGER_SIGNING_KEY holds it). */
export class CheckpointSigner {
  private readonly key: KeyObject;
  readonly publicKey: string;

  constructor(privateKeyBase64: string) {
    this.key = createPrivateKey({ key: Buffer.from(privateKeyBase64, 'base64'), format: 'der', type: 'pkcs8' });
    this.publicKey = publicKeyOf(privateKeyBase64);
  }

  sign(instance: string, head: ChainHead): LedgerCheckpoint {
    const signature = sign(null, Buffer.from(checkpointStatement(instance, head.seq, head.hash)), this.key).toString('base64');
    return { instance, seq: head.seq, hash: head.hash, publicKey: this.publicKey, signature };
  }
}

/** The public key (SPKI DER, base64) of an Ed25519 private key given as PKCS#8 DER in base64. */
export function publicKeyOf(privateKeyBase64: string): string {
  const key = createPrivateKey({ key: Buffer.from(privateKeyBase64, 'base64'), format: 'der', type: 'pkcs8' });
  return createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64');
}

/** Whether a checkpoint's signature verifies under its public key, and that key is one of the trusted ones. */
export function checkpointSignatureValid(checkpoint: LedgerCheckpoint, trustedPublicKeys: readonly string[]): boolean {
  if (!trustedPublicKeys.includes(checkpoint.publicKey)) return false;
  try {
    const key = createPublicKey({ key: Buffer.from(checkpoint.publicKey, 'base64'), format: 'der', type: 'spki' });
    return verify(null, Buffer.from(checkpointStatement(checkpoint.instance, checkpoint.seq, checkpoint.hash)), key, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}

/** Where checkpoints are kept. */
export interface CheckpointStore {
  put(checkpoint: LedgerCheckpoint): Promise<void>;
}

/** Checkpoints in the ledger database's ledger_checkpoint table. */
export class SqlCheckpointStore implements CheckpointStore {
  constructor(private readonly sql: SqlClient) {}

  async put(c: LedgerCheckpoint): Promise<void> {
    await this.sql.query(
      'INSERT INTO ledger_checkpoint (broker_instance, seq, hash, public_key, signature) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
      [c.instance, c.seq, c.hash, c.publicKey, c.signature],
    );
  }
}

/** The chain head on disk: what a restart continues from. */
interface HeadFile extends ChainHead {
  /** Sequence numbers up to here may have been given out: after a crash the chain continues past them. */
  reservedUpTo: number;
  /** Written at a clean close: the chain continues right after seq. */
  clean: boolean;
}

/**
 * Where an instance's chain stands across restarts: a small file under
 * NIX_DATA_DIR/ledger-chain, written (not per record) each time a block of
 * sequence numbers is reserved, and at a clean close. After a clean close the
 * chain continues at seq + 1; after a crash it continues past the reserved
 * block, so that no number is given twice. The verifier then reports the
 * numbers of that block no stored record holds as missing: records lost in
 * the crash, or numbers never used; it cannot tell which.
 */
export class ChainHeadFile {
  private readonly path: string;

  constructor(dir: string, instance: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, `${encodeURIComponent(instance)}.json`);
  }

  read(): ChainHead | undefined {
    let head: HeadFile;
    try {
      head = JSON.parse(readFileSync(this.path, 'utf8')) as HeadFile;
    } catch {
      return undefined;
    }
    return head.clean ? { seq: head.seq, hash: head.hash } : { seq: head.reservedUpTo, hash: head.hash };
  }

  write(head: HeadFile): void {
    writeFileSync(`${this.path}.tmp`, JSON.stringify(head));
    renameSync(`${this.path}.tmp`, this.path);
  }
}

export function chainHeadDir(dataDir: string): string {
  return join(dataDir, 'ledger-chain');
}

export interface ChainingOptions {
  instance: string;
  /** A checkpoint every this many records, */
  checkpointEvery: number;
  /** or this often while records arrive. */
  checkpointMs: number;
}

/** What the chaining sink reports a failed checkpoint write through. */
export interface ChainLog {
  warn(fields: object, message: string): void;
}

/**
 * Numbers and chains each record of this instance before handing it to the
 * sink that writes or publishes it, and signs a checkpoint periodically. One
 * hash per record and no store round trip per record: checkpoints are written
 * every checkpointEvery records or checkpointMs, whichever comes first.
 */
export class ChainingTrafficSink implements TrafficSink {
  private readonly chain: LedgerChain;
  private reservedUpTo: number;
  private lastCheckpointSeq: number;
  private lastCheckpointAt: number;
  private pending: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    /** The sink the chained records go to (the writer, or the Kafka publisher). */
    readonly inner: TrafficSink,
    private readonly options: ChainingOptions,
    private readonly signer: CheckpointSigner,
    private readonly checkpoints: CheckpointStore,
    private readonly headFile: ChainHeadFile,
    private readonly clock: Clock,
    private readonly log?: ChainLog,
  ) {
    const start = headFile.read();
    this.chain = new LedgerChain(start);
    this.lastCheckpointSeq = start?.seq ?? 0;
    this.lastCheckpointAt = clock.now();
    this.reservedUpTo = this.chain.current.seq;
    this.reserve();
    this.timer = setInterval(() => this.maybeCheckpoint(true), Math.min(options.checkpointMs, 1000));
    this.timer.unref();
  }

  get head(): ChainHead {
    return this.chain.current;
  }

  record(record: TrafficRecord): void {
    this.inner.record(this.link(record));
  }

  recordDurably(record: TrafficRecord): Promise<void> {
    const linked = this.link(record);
    if (this.inner.recordDurably) return this.inner.recordDurably(linked);
    this.inner.record(linked);
    return Promise.resolve();
  }

  flush(): Promise<void> {
    return this.inner.flush();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await (this.inner.close ? this.inner.close() : this.inner.flush());
    void this.checkpoint();
    await this.pending;
    const head = this.chain.current;
    this.headFile.write({ ...head, reservedUpTo: Math.max(this.reservedUpTo, head.seq), clean: true });
  }

  health(): TrafficSinkHealth {
    return this.inner.health?.() ?? { buffered: 0, writing: true, stalledMs: 0, stalled: false };
  }

  /** Signs and stores a checkpoint of the chain's head now (if it moved since the last one); resolves once stored. */
  checkpoint(): Promise<void> {
    const head = this.chain.current;
    if (head.seq === 0 || head.seq === this.lastCheckpointSeq) return this.pending;
    this.lastCheckpointSeq = head.seq;
    this.lastCheckpointAt = this.clock.now();
    const signed = this.signer.sign(this.options.instance, head);
    this.pending = this.pending.then(() =>
      this.checkpoints.put(signed).catch((error: Error) => {
        // The next checkpoint covers this one's records too.
        this.log?.warn({ err: error, seq: signed.seq }, 'ledger checkpoint could not be stored; the next one covers it');
      }),
    );
    return this.pending;
  }

  private link(record: TrafficRecord): TrafficRecord {
    const linked = this.chain.link(record);
    if (linked.ledgerSeq > this.reservedUpTo) this.reserve();
    this.maybeCheckpoint(false);
    return linked;
  }

  private maybeCheckpoint(byTime: boolean): void {
    const head = this.chain.current;
    const due = head.seq - this.lastCheckpointSeq >= this.options.checkpointEvery || (byTime && this.clock.now() - this.lastCheckpointAt >= this.options.checkpointMs);
    if (due) void this.checkpoint();
  }

  /** Reserves the next block of sequence numbers on disk before any is given out. */
  private reserve(): void {
    const head = this.chain.current;
    this.reservedUpTo = head.seq + Math.max(1, this.options.checkpointEvery);
    this.headFile.write({ ...head, reservedUpTo: this.reservedUpTo, clean: false });
  }
}
