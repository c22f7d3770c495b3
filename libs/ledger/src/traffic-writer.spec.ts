import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrafficRecord } from '@nix/domain';
import { NixMetrics } from '@nix/observability';
import { TrafficJournal } from './traffic-journal';
import type { QuarantineEntry, TrafficBatchStore, TrafficQuarantine } from './traffic-quarantine';
import { TrafficSpool } from './traffic-spool';
import { TrafficWriter } from './traffic-writer';

const AT = Date.UTC(2026, 10, 30, 12);
const wallClock = { now: () => Date.now() };

function record(n: number, change: Partial<TrafficRecord> = {}): TrafficRecord {
  return {
    exchangeId: `0190f1d2-0000-7000-8000-${String(n).padStart(12, '0')}`, receivedAt: AT + n, dispatchedAt: null, adapterReceivedAt: null,
    adapterRepliedAt: null, respondedAt: AT + n + 2, consumer: 'tax-organization', registry: 'identity', custodian: 'civil-registration',
    service: 'person', serviceVersion: '1.0.0', purpose: 'demo', agreement: null, trackingDigest: null, receiptDigest: null, outcome: 'ok', httpStatus: 200,
    problemType: null, requestBytes: 60, responseBytes: 300, brokerMs: 2, transportMs: null, adapterMs: null, registryMs: null,
    brokerInstance: 'broker-1', adapterInstance: null, ...change,
  };
}

/** Stores records by exchange ID, as the ledger does; refuses a batch holding a "poison" record, as PostgreSQL refuses an out-of-range value. */
class FakeStore implements TrafficBatchStore {
  readonly stored = new Map<string, TrafficRecord>();
  calls = 0;
  down = false;
  constructor(private readonly poison: (r: TrafficRecord) => boolean = () => false) {}

  async insertBatch(records: readonly TrafficRecord[]): Promise<number> {
    this.calls++;
    if (this.down) throw Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
    if (records.some(this.poison)) throw Object.assign(new Error('value "3000000000" is out of range for type integer'), { code: '22003' });
    for (const r of records) this.stored.set(r.exchangeId, r);
    return records.length;
  }
}

class MemoryQuarantine implements TrafficQuarantine {
  readonly entries: QuarantineEntry[] = [];
  async put(entries: readonly QuarantineEntry[]): Promise<void> {
    this.entries.push(...entries);
  }
}

const options = { batchSize: 100, flushIntervalMs: 10_000, bufferLimit: 10_000, stallMs: 60_000 };
const counter = async (metrics: NixMetrics, name: string, labels: Record<string, string> = {}) =>
  (await metrics.registry.getSingleMetric(name)!.get()).values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);

describe('TrafficWriter', () => {
  let dir: string;
  let metrics: NixMetrics;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nix-writer-'));
    metrics = new NixMetrics({ defaultMetrics: false });
  });

  it('isolates a record the store refuses for its data, quarantines it with the reason, and writes the rest of the batch', async () => {
    const store = new FakeStore((r) => r.requestBytes > 2 ** 31);
    const quarantine = new MemoryQuarantine();
    const writer = new TrafficWriter(store, options, new TrafficSpool(join(dir, 'spool')), metrics, { clock: wallClock, quarantine });
    for (let n = 1; n <= 64; n++) writer.record(record(n, n === 37 ? { requestBytes: 3_000_000_000 } : {}));
    await writer.flush();
    expect(store.stored.size).toBe(63);
    expect(store.stored.has(record(37).exchangeId)).toBe(false);
    expect(quarantine.entries).toEqual([
      { source: 'writer', reason: 'refused by the store (SQLSTATE 22003): value "3000000000" is out of range for type integer', exchangeId: record(37).exchangeId, record: record(37, { requestBytes: 3_000_000_000 }) },
    ]);
    // Halving to the bad record: a few calls, not one per record.
    expect(store.calls).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(64)) + 1);
    expect(await counter(metrics, 'nix_ledger_quarantined_total', { source: 'writer' })).toBe(1);
    expect(await counter(metrics, 'nix_ledger_records_written_total')).toBe(63);
    expect(writer.degraded).toBe(false);
    expect(writer.buffered).toBe(0);

    // And the ledger keeps writing.
    writer.record(record(65));
    await writer.flush();
    expect(store.stored.has(record(65).exchangeId)).toBe(true);
  });

  it('quarantines a record that fails validation without sending it to the store', async () => {
    const store = new FakeStore();
    const quarantine = new MemoryQuarantine();
    const writer = new TrafficWriter(store, options, null, metrics, { clock: wallClock, quarantine });
    writer.record(record(1));
    writer.record(record(2, { httpStatus: 70000 }));
    await writer.flush();
    expect([...store.stored.keys()]).toEqual([record(1).exchangeId]);
    expect(store.calls).toBe(1);
    expect(quarantine.entries.map((e) => e.reason)).toEqual(['invalid record: httpStatus is outside 100..599']);
  });

  it('keeps and retries a batch while the store is unreachable, quarantining nothing', async () => {
    let now = AT;
    const store = new FakeStore();
    store.down = true;
    const quarantine = new MemoryQuarantine();
    const writer = new TrafficWriter(store, options, null, metrics, { quarantine, clock: { now: () => now } });
    writer.record(record(1));
    await writer.drain();
    expect(writer.degraded).toBe(true);
    expect(writer.buffered).toBe(1);
    expect(await counter(metrics, 'nix_ledger_write_failures_total')).toBe(1);
    now += 30_000;
    expect(writer.stalledMs).toBe(30_000);
    expect(writer.stalled).toBe(false);
    now += 31_000;
    expect(writer.stalled).toBe(true);
    store.down = false;
    await writer.drain();
    expect(store.stored.size).toBe(1);
    expect(quarantine.entries).toEqual([]);
    expect(writer.degraded).toBe(false);
    expect(writer.stalled).toBe(false);
    expect(writer.stalledMs).toBe(0);
  });

  it('waits out its backoff by the clock before trying a failing store again, and flush() does not wait', async () => {
    let now = AT;
    const store = new FakeStore();
    store.down = true;
    const writer = new TrafficWriter(store, options, null, metrics, { quarantine: new MemoryQuarantine(), clock: { now: () => now } });
    writer.record(record(1));
    await writer.drain();
    expect(store.calls).toBe(1);
    store.down = false;
    await writer.drain();
    expect(store.calls).toBe(1);
    now += 200;
    await writer.drain();
    expect(store.calls).toBe(2);
    expect(store.stored.size).toBe(1);
    store.down = true;
    writer.record(record(2));
    await writer.drain();
    store.down = false;
    await writer.flush();
    expect(store.stored.size).toBe(2);
  });

  it('is not stalled while it keeps writing, however long records keep arriving', async () => {
    let now = AT;
    const store = new FakeStore();
    const writer = new TrafficWriter(store, options, null, metrics, { clock: { now: () => now } });
    for (let n = 1; n <= 10; n++) {
      writer.record(record(n));
      now += 20_000;
      await writer.drain();
      expect(writer.stalledMs).toBe(0);
    }
  });

  it('replays a spool file with a poison record and an unreadable line: the good records are written, the rest quarantined, the file removed', async () => {
    const spoolDir = join(dir, 'spool');
    const spool = new TrafficSpool(spoolDir);
    spool.append([record(1), record(2, { requestBytes: 3_000_000_000 }), record(3)]);
    spool.seal();
    const [file] = readdirSync(spoolDir);
    writeFileSync(join(spoolDir, file), readFileSync(join(spoolDir, file), 'utf8') + '{"exchangeId": "cut\n' + JSON.stringify(record(4)) + '\n');
    const store = new FakeStore((r) => r.requestBytes > 2 ** 31);
    const quarantine = new MemoryQuarantine();
    const writer = new TrafficWriter(store, options, new TrafficSpool(spoolDir), metrics, { clock: wallClock, quarantine });
    await writer.flush();
    expect([...store.stored.keys()].sort()).toEqual([1, 3, 4].map((n) => record(n).exchangeId));
    expect(quarantine.entries.map((e) => [e.source, e.reason.slice(0, 26), e.exchangeId])).toEqual([
      [`spool ${file}`, 'unreadable spool line (not', null],
      [`spool ${file}`, 'refused by the store (SQLS', record(2).exchangeId],
    ]);
    expect(readdirSync(spoolDir)).toEqual([]);
    expect(await counter(metrics, 'nix_ledger_quarantined_total', { source: 'spool' })).toBe(2);
  });

  it('spools what the store will not take at shutdown, and writes it at the next start', async () => {
    const spoolDir = join(dir, 'spool');
    const store = new FakeStore();
    store.down = true;
    const first = new TrafficWriter(store, options, new TrafficSpool(spoolDir), metrics, { clock: wallClock, quarantine: new MemoryQuarantine() });
    first.record(record(1));
    first.record(record(2));
    await first.close();
    expect(store.stored.size).toBe(0);
    store.down = false;
    const second = new TrafficWriter(store, options, new TrafficSpool(spoolDir), metrics, { clock: wallClock, quarantine: new MemoryQuarantine() });
    await second.flush();
    expect(store.stored.size).toBe(2);
    expect(readdirSync(spoolDir)).toEqual([]);
  });
});

describe('TrafficWriter with a journal (NIX_LEDGER_DURABILITY=sync)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nix-journal-'));
  });

  /** Segments are deleted in the background: polls, with a generous deadline. */
  const journalEmptied = async (journalDir: string) => {
    for (const until = Date.now() + 10_000; readdirSync(journalDir).length > 0 && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 20));
    return readdirSync(journalDir);
  };

  const journalLines = (journalDir: string) =>
    readdirSync(journalDir).flatMap((f) => readFileSync(join(journalDir, f), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line).exchangeId));

  it('resolves recordDurably once the record is in the journal on disk, and trims the journal once the store has it', async () => {
    const store = new FakeStore();
    store.down = true;
    const journal = new TrafficJournal(join(dir, 'journal'), join(dir, 'spool'));
    const writer = new TrafficWriter(store, options, new TrafficSpool(join(dir, 'spool')), undefined, { clock: wallClock, quarantine: new MemoryQuarantine(), journal });
    await Promise.all([1, 2, 3].map((n) => writer.recordDurably(record(n))));
    expect(journalLines(join(dir, 'journal'))).toEqual([1, 2, 3].map((n) => record(n).exchangeId));
    store.down = false;
    await writer.drain();
    expect(store.stored.size).toBe(3);
    await journal.close();
    expect(await journalEmptied(join(dir, 'journal'))).toEqual([]);
  });

  it('replays what a killed process left in its journal, exactly once', async () => {
    const store = new FakeStore();
    store.down = true;
    // The first process journals three records, writes none, and dies without closing anything.
    const first = new TrafficWriter(store, options, new TrafficSpool(join(dir, 'spool')), undefined, {
      clock: wallClock,
      quarantine: new MemoryQuarantine(),
      journal: new TrafficJournal(join(dir, 'journal'), join(dir, 'spool')),
    });
    await Promise.all([1, 2, 3].map((n) => first.recordDurably(record(n))));
    store.down = false;
    await store.insertBatch([record(1)]); // one of them had reached the store before the crash
    const second = new TrafficWriter(store, options, new TrafficSpool(join(dir, 'spool')), undefined, {
      clock: wallClock,
      quarantine: new MemoryQuarantine(),
      journal: new TrafficJournal(join(dir, 'journal'), join(dir, 'spool')),
    });
    await second.flush();
    expect([...store.stored.keys()].sort()).toEqual([1, 2, 3].map((n) => record(n).exchangeId));
    expect(readdirSync(join(dir, 'spool'))).toEqual([]);
    expect(existsSync(join(dir, 'journal'))).toBe(true);
  });

  it('replays a journal left by a sync run in a process that runs batched', async () => {
    const store = new FakeStore();
    store.down = true;
    const first = new TrafficWriter(store, options, null, undefined, { clock: wallClock, journal: new TrafficJournal(join(dir, 'journal'), join(dir, 'spool')), quarantine: new MemoryQuarantine() });
    await first.recordDurably(record(1));
    store.down = false;
    TrafficJournal.recover(join(dir, 'journal'), join(dir, 'spool'));
    await new TrafficWriter(store, options, new TrafficSpool(join(dir, 'spool')), undefined, { clock: wallClock, quarantine: new MemoryQuarantine() }).flush();
    expect([...store.stored.keys()]).toEqual([record(1).exchangeId]);
  });

  it('lets records taken together share one sync (group commit)', async () => {
    const journal = new TrafficJournal(join(dir, 'journal'), join(dir, 'spool'));
    const writer = new TrafficWriter(new FakeStore(), { ...options, batchSize: 1000 }, null, undefined, { clock: wallClock, quarantine: new MemoryQuarantine(), journal });
    await Promise.all(Array.from({ length: 200 }, (_, i) => writer.recordDurably(record(i + 1))));
    expect(journalLines(join(dir, 'journal'))).toHaveLength(200);
    // The first append syncs alone; the others, taken while it ran, wait for the next sync together.
    expect(journal.syncs).toBeLessThanOrEqual(2);
    await writer.close();
  });

  it('rotates journal segments, and leaves no journal once everything is stored', async () => {
    const journal = new TrafficJournal(join(dir, 'journal'), join(dir, 'spool'), 10);
    const writer = new TrafficWriter(new FakeStore(), { ...options, batchSize: 1000 }, null, undefined, { clock: wallClock, quarantine: new MemoryQuarantine(), journal });
    await Promise.all(Array.from({ length: 25 }, (_, i) => writer.recordDurably(record(i + 1))));
    expect(journalLines(join(dir, 'journal')).length).toBe(25);
    await writer.close();
    expect(await journalEmptied(join(dir, 'journal'))).toEqual([]);
  });
});
