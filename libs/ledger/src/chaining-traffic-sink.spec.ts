import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHAIN_GENESIS, type Clock, type TrafficRecord } from '@nix/domain';
import { ChainHeadFile, ChainingTrafficSink, checkpointSignatureValid, CheckpointSigner, publicKeyOf, type CheckpointStore, type LedgerCheckpoint } from './chaining-traffic-sink';
import type { TrafficSink } from './traffic-sink';

const KEY = 'MC4CAQAwBQYDK2VwBCIEIKyBR2qkA05A4RT3Zh6/9u2Lsm0IgT+g/ki+X+kYA01p';
const OTHER_KEY = 'MC4CAQAwBQYDK2VwBCIEIOL/nBD0BRGfrK4qqrPlT3zHSFnwD9W/e5bFckARg333';

class CollectingSink implements TrafficSink {
  records: TrafficRecord[] = [];
  record(record: TrafficRecord): void {
    this.records.push(record);
  }
  async flush(): Promise<void> {}
}

class CheckpointList implements CheckpointStore {
  checkpoints: LedgerCheckpoint[] = [];
  async put(checkpoint: LedgerCheckpoint): Promise<void> {
    this.checkpoints.push(checkpoint);
  }
}

class FixedClock implements Clock {
  constructor(public time = 1_780_000_000_000) {}
  now(): number {
    return this.time;
  }
}

const record = (n: number): TrafficRecord => ({
  exchangeId: `0190f1d2-0000-7000-8000-${String(n).padStart(12, '0')}`,
  receivedAt: 1_780_000_000_000 + n,
  dispatchedAt: null,
  adapterReceivedAt: null,
  adapterRepliedAt: null,
  respondedAt: 1_780_000_000_001 + n,
  consumer: 'tax',
  registry: 'civil',
  custodian: null,
  service: 'person',
  serviceVersion: '1',
  purpose: null,
  agreement: null,
  trackingDigest: null,
  receiptDigest: null,
  outcome: 'ok',
  httpStatus: 200,
  problemType: null,
  requestBytes: 1,
  responseBytes: 2,
  brokerMs: 1,
  transportMs: null,
  adapterMs: null,
  registryMs: null,
  brokerInstance: 'broker-a',
  adapterInstance: null,
});

describe('the chaining sink', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'nix-chain-'));
  const start = (headDir: string, every = 3) => {
    const inner = new CollectingSink();
    const store = new CheckpointList();
    const sink = new ChainingTrafficSink(inner, { instance: 'broker-a', checkpointEvery: every, checkpointMs: 60_000 }, new CheckpointSigner(KEY), store, new ChainHeadFile(headDir, 'broker-a'), new FixedClock());
    return { inner, store, sink };
  };

  it('numbers and links records, and signs a checkpoint every N records', async () => {
    const { inner, store, sink } = start(dir());
    for (let i = 1; i <= 7; i++) sink.record(record(i));
    await sink.checkpoint();
    expect(inner.records.map((r) => r.ledgerSeq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(inner.records[0].ledgerPrev).toBe(CHAIN_GENESIS);
    expect(inner.records[4].ledgerPrev).toBe(inner.records[3].ledgerHash);
    expect(store.checkpoints.map((c) => [c.seq, c.hash])).toEqual([
      [3, inner.records[2].ledgerHash],
      [6, inner.records[5].ledgerHash],
      [7, inner.records[6].ledgerHash],
    ]);
    expect(store.checkpoints.every((c) => checkpointSignatureValid(c, [publicKeyOf(KEY)]))).toBe(true);
    expect(checkpointSignatureValid(store.checkpoints[0], [publicKeyOf(OTHER_KEY)])).toBe(false);
    expect(checkpointSignatureValid({ ...store.checkpoints[0], seq: 4 }, [publicKeyOf(KEY)])).toBe(false);
    await sink.close();
  });

  it('continues the chain after a clean close', async () => {
    const headDir = dir();
    const first = start(headDir);
    for (let i = 1; i <= 4; i++) first.sink.record(record(i));
    await first.sink.close();
    const second = start(headDir);
    second.sink.record(record(5));
    expect(second.inner.records[0]).toMatchObject({ ledgerSeq: 5, ledgerPrev: first.inner.records[3].ledgerHash });
    await second.sink.close();
  });

  it('after a crash, continues past the reserved block so that no sequence number is given twice', async () => {
    const headDir = dir();
    const crashed = start(headDir, 10);
    for (let i = 1; i <= 4; i++) crashed.sink.record(record(i));
    // No close: the process died.
    const restarted = start(headDir, 10);
    restarted.sink.record(record(5));
    expect(restarted.inner.records[0].ledgerSeq).toBe(11);
    await restarted.sink.close();
    await crashed.sink.close();
  });
});
