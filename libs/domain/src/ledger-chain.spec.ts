import { CHAIN_GENESIS, canonicalRecord, chainHash, LedgerChain } from './ledger-chain';
import type { TrafficRecord } from './traffic-record';
import { verifyChains, type StoredCheckpoint, type StoredLink } from './ledger-verification';

function record(n: number, instance = 'broker-a'): TrafficRecord {
  return {
    exchangeId: `0190f1d2-0000-7000-8000-${String(n).padStart(12, '0')}`,
    receivedAt: 1_780_000_000_000.125 + n,
    dispatchedAt: null,
    adapterReceivedAt: null,
    adapterRepliedAt: null,
    respondedAt: 1_780_000_000_010.5 + n,
    consumer: 'tax',
    registry: 'civil',
    custodian: 'nocr',
    service: 'person',
    serviceVersion: '1',
    purpose: 'audit',
    agreement: 'tax-civil',
    trackingDigest: null,
    receiptDigest: null,
    outcome: 'ok',
    httpStatus: 200,
    problemType: null,
    requestBytes: 120,
    responseBytes: 340,
    brokerMs: 1.234,
    transportMs: 0.1,
    adapterMs: null,
    registryMs: 3.3,
    brokerInstance: instance,
    adapterInstance: null,
  };
}

/** A chain of n records as the store would give them back. */
function chainOf(n: number, instance = 'broker-a'): StoredLink[] {
  const chain = new LedgerChain();
  return Array.from({ length: n }, (_, i) => {
    const { ledgerSeq, ledgerPrev, ledgerHash, ...fields } = chain.link(record(i + 1, instance));
    return { instance, seq: ledgerSeq, prev: ledgerPrev, hash: ledgerHash, fields: { ...fields } };
  });
}

describe('the chain hash', () => {
  it('covers every field, the sequence number and the previous hash', () => {
    const base = chainHash(record(1), 1, CHAIN_GENESIS);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(record(1), 1, CHAIN_GENESIS)).toBe(base);
    expect(chainHash({ ...record(1), responseBytes: 341 }, 1, CHAIN_GENESIS)).not.toBe(base);
    expect(chainHash({ ...record(1), consumer: 'police' }, 1, CHAIN_GENESIS)).not.toBe(base);
    expect(chainHash(record(1), 2, CHAIN_GENESIS)).not.toBe(base);
    expect(chainHash(record(1), 1, 'f'.repeat(64))).not.toBe(base);
  });

  it('encodes values as the store gives them back: instants to the microsecond, reals as float4', () => {
    expect(canonicalRecord({ ...record(1), receivedAt: 1000.0004, brokerMs: 1.1 }, 1, CHAIN_GENESIS)).toBe(
      canonicalRecord({ ...record(1), receivedAt: 1000, brokerMs: Math.fround(1.1) }, 1, CHAIN_GENESIS),
    );
  });

  it('links each record to the one before, from the genesis hash, continuing from a head', () => {
    const chain = new LedgerChain();
    const first = chain.link(record(1));
    const second = chain.link(record(2));
    expect([first.ledgerSeq, first.ledgerPrev]).toEqual([1, CHAIN_GENESIS]);
    expect([second.ledgerSeq, second.ledgerPrev]).toEqual([2, first.ledgerHash]);
    expect(chain.link({ ...record(9), receivedAt: 1_780_000_000_001.0625 }).receivedAt).toBe(1_780_000_000_001.063);
    const head = chain.current;
    const resumed = new LedgerChain(head).link(record(4));
    expect([resumed.ledgerSeq, resumed.ledgerPrev]).toEqual([4, head.hash]);
  });
});

describe('walking the chains', () => {
  const signed = (instance: string, seq: number, hash: string, signatureValid = true): StoredCheckpoint => ({ instance, seq, hash, signatureValid });

  it('passes an intact chain per instance, in any order', () => {
    const links = [...chainOf(5, 'broker-a'), ...chainOf(3, 'broker-b')].reverse();
    const result = verifyChains(links, [signed('broker-a', 5, links.find((l) => l.instance === 'broker-a' && l.seq === 5)!.hash)]);
    expect(result.findings).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.instances.map((i) => [i.instance, i.first, i.last, i.records])).toEqual([
      ['broker-a', 1, 5, 5],
      ['broker-b', 1, 3, 3],
    ]);
  });

  it('reports an altered field by instance and sequence', () => {
    const links = chainOf(5);
    links[2].fields.responseBytes = 1;
    expect(verifyChains(links, []).findings).toEqual([expect.objectContaining({ kind: 'altered', instance: 'broker-a', seq: 3 })]);
  });

  it('reports a record rewritten with a fresh hash, through its successor', () => {
    const links = chainOf(5);
    links[2].fields.consumer = 'police';
    links[2].hash = chainHash(links[2].fields, 3, links[2].prev);
    expect(verifyChains(links, []).findings).toEqual([expect.objectContaining({ kind: 'altered', seq: 3 })]);
  });

  it('reports a deleted record as missing, and a deleted tail through a checkpoint', () => {
    const links = chainOf(6);
    const checkpoint = signed('broker-a', 6, links[5].hash);
    const deleted = links.filter((l) => l.seq !== 3 && l.seq < 5);
    expect(verifyChains(deleted, [checkpoint]).findings).toEqual([
      expect.objectContaining({ kind: 'missing', seq: 3, toSeq: 3 }),
      expect.objectContaining({ kind: 'missing', seq: 5, toSeq: 6 }),
    ]);
  });

  it('reports a forged record claiming a taken sequence number as inserted, and keeps the genuine one', () => {
    const links = chainOf(4);
    const forged = { ...links[1], fields: { ...links[1].fields, exchangeId: '0190f1d2-0000-7000-8000-999999999999' } };
    forged.hash = chainHash(forged.fields, 2, forged.prev);
    const result = verifyChains([...links, forged], []);
    expect(result.findings).toEqual([expect.objectContaining({ kind: 'inserted', seq: 2, detail: expect.stringContaining('999999999999') })]);
  });

  it('reports records without a chain, and checkpoints whose signature fails', () => {
    const links = chainOf(2);
    const result = verifyChains(links, [signed('broker-a', 2, links[1].hash, false)], [{ instance: 'broker-a', count: 1 }]);
    expect(result.findings.map((f) => f.kind).sort()).toEqual(['checkpoint', 'inserted']);
    expect(result.ok).toBe(false);
  });

  it('counts a quarantined record as accounted for', () => {
    const links = chainOf(3);
    links[1].quarantined = true;
    const result = verifyChains(links, []);
    expect(result.ok).toBe(true);
    expect(result.instances[0]).toMatchObject({ records: 2, quarantined: 1 });
  });

  it('accepts a chain that starts after retention dropped its first months', () => {
    const links = chainOf(6).slice(3);
    const result = verifyChains(links, [signed('broker-a', 2, 'a'.repeat(64))]);
    expect(result.ok).toBe(true);
    expect(result.instances[0]).toMatchObject({ first: 4, last: 6 });
  });
});
