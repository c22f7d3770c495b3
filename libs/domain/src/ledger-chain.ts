import { createHash } from 'node:crypto';
import { TRAFFIC_RECORD_FIELDS, type TrafficRecord } from './traffic-record';

/**
 * The tamper-evident chain of one broker instance's traffic records: each
 * record carries its sequence number, the hash of the record before it and
 * its own hash, SHA-256 over a canonical encoding of its fields and that
 * previous hash. Changing, deleting or inserting a stored record breaks the
 * chain where it happened.
 */
export interface ChainLink {
  ledgerSeq: number;
  ledgerPrev: string;
  ledgerHash: string;
}

/** The previous hash of an instance's first record (sequence 1). */
export const CHAIN_GENESIS = '0'.repeat(64);

/** The fields stored as timestamptz (microseconds) and as real (float4): encoded as the store gives them back. */
const TIME_FIELDS: ReadonlySet<string> = new Set(['receivedAt', 'dispatchedAt', 'adapterReceivedAt', 'adapterRepliedAt', 'respondedAt']);
const REAL_FIELDS: ReadonlySet<string> = new Set(['brokerMs', 'transportMs', 'adapterMs', 'registryMs']);

const toMicros = (ms: number) => Math.round(ms * 1000) / 1000;

function canonicalValue(field: string, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number') return value;
  if (TIME_FIELDS.has(field)) return toMicros(value);
  if (REAL_FIELDS.has(field)) return Math.fround(value);
  return value;
}

/** The canonical encoding: a JSON array of sequence, previous hash and every field in TRAFFIC_RECORD_FIELDS order. */
export function canonicalRecord(record: Partial<Record<(typeof TRAFFIC_RECORD_FIELDS)[number], unknown>>, seq: number, prev: string): string {
  return JSON.stringify([seq, prev, ...TRAFFIC_RECORD_FIELDS.map((field) => canonicalValue(field, record[field]))]);
}

export function chainHash(record: Partial<Record<(typeof TRAFFIC_RECORD_FIELDS)[number], unknown>>, seq: number, prev: string): string {
  return createHash('sha256').update(canonicalRecord(record, seq, prev)).digest('hex');
}

/** Where a chain stands: the last sequence number given and its hash. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** Numbers and links one instance's records, in the order they are handed to the sink. */
export class LedgerChain {
  private head: ChainHead;

  constructor(start: ChainHead = { seq: 0, hash: CHAIN_GENESIS }) {
    this.head = { ...start };
  }

  get current(): ChainHead {
    return { ...this.head };
  }

  /** The record, its instants rounded to the microsecond the store keeps, with its place in the chain. */
  link(record: TrafficRecord): TrafficRecord & ChainLink {
    const seq = this.head.seq + 1;
    const prev = this.head.hash;
    // A copy that keeps every field, whatever fields a record gains; records from trafficRecordOf have the chain's keys already.
    const linked = { ...record } as TrafficRecord & ChainLink;
    linked.receivedAt = toMicros(record.receivedAt);
    linked.respondedAt = toMicros(record.respondedAt);
    if (record.dispatchedAt !== null) linked.dispatchedAt = toMicros(record.dispatchedAt);
    if (record.adapterReceivedAt !== null) linked.adapterReceivedAt = toMicros(record.adapterReceivedAt);
    if (record.adapterRepliedAt !== null) linked.adapterRepliedAt = toMicros(record.adapterRepliedAt);
    linked.ledgerSeq = seq;
    linked.ledgerPrev = prev;
    linked.ledgerHash = chainHash(linked, seq, prev);
    this.head = { seq, hash: linked.ledgerHash };
    return linked;
  }
}

/** The signed statement of a checkpoint: instance, sequence and hash, one per line. */
export function checkpointStatement(instance: string, seq: number, hash: string): string {
  return `nix-ledger-checkpoint\n${instance}\n${seq}\n${hash}`;
}
