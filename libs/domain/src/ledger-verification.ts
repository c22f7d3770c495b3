import { chainHash, CHAIN_GENESIS } from './ledger-chain';

/** A chained record as the store holds it (or as the quarantine kept it). */
export interface StoredLink {
  instance: string;
  seq: number;
  prev: string;
  hash: string;
  /** The record's fields, by their names in TRAFFIC_RECORD_FIELDS. */
  fields: Record<string, unknown>;
  /** Set aside in traffic_quarantine: accounted for, but not in traffic_record. */
  quarantined?: boolean;
}

export interface StoredCheckpoint {
  instance: string;
  seq: number;
  hash: string;
  signatureValid: boolean;
}

export type ChainFindingKind = 'altered' | 'missing' | 'inserted' | 'checkpoint';

export interface ChainFinding {
  kind: ChainFindingKind;
  instance: string;
  /** The first sequence number concerned, and the last when it is a range. */
  seq: number;
  toSeq?: number;
  detail: string;
}

export interface InstanceSummary {
  instance: string;
  first: number;
  last: number;
  records: number;
  quarantined: number;
  checkpoints: number;
}

export interface ChainVerification {
  ok: boolean;
  findings: ChainFinding[];
  instances: InstanceSummary[];
  /** Records without a sequence (written before the chain existed, or forged without one), by instance. */
  unchained: { instance: string; count: number }[];
}

/**
 * Walks each instance's chain. A record whose own hash does not match its
 * fields, or whose successor holds another hash for it, is altered; a gap in
 * the sequence is missing records (a checkpoint past the last stored record
 * shows a deleted tail); a second record for a sequence number, or one that
 * does not fit the links around it, is inserted. The chain may start after
 * sequence 1: retention drops whole months, so the first remaining record is
 * the anchor, checked against a checkpoint where one names it.
 */
export function verifyChains(links: readonly StoredLink[], checkpoints: readonly StoredCheckpoint[], unchained: { instance: string; count: number }[] = []): ChainVerification {
  const findings: ChainFinding[] = [];
  const byInstance = new Map<string, StoredLink[]>();
  for (const link of links) {
    const list = byInstance.get(link.instance) ?? [];
    list.push(link);
    byInstance.set(link.instance, list);
  }
  const checkpointsOf = new Map<string, StoredCheckpoint[]>();
  for (const c of checkpoints) checkpointsOf.set(c.instance, [...(checkpointsOf.get(c.instance) ?? []), c]);
  for (const instance of checkpointsOf.keys()) if (!byInstance.has(instance)) byInstance.set(instance, []);

  const instances: InstanceSummary[] = [];
  for (const [instance, list] of [...byInstance].sort(([a], [b]) => a.localeCompare(b))) {
    list.sort((a, b) => a.seq - b.seq);
    // One record per sequence number: the one whose hash fits its fields and the links around it; the others are inserted.
    const chosen = new Map<number, StoredLink>();
    const bySeq = new Map<number, StoredLink[]>();
    for (const link of list) bySeq.set(link.seq, [...(bySeq.get(link.seq) ?? []), link]);
    const seqs = [...bySeq.keys()].sort((a, b) => a - b);
    for (const seq of seqs) {
      const candidates = bySeq.get(seq)!;
      if (candidates.length === 1) {
        chosen.set(seq, candidates[0]);
        continue;
      }
      const before = chosen.get(seq - 1);
      const after = bySeq.get(seq + 1) ?? [];
      const fits = (c: StoredLink) =>
        (chainHash(c.fields, c.seq, c.prev) === c.hash ? 2 : 0) + (before && before.hash === c.prev ? 1 : 0) + (after.some((a) => a.prev === c.hash) ? 2 : 0);
      const ranked = [...candidates].sort((a, b) => fits(b) - fits(a));
      chosen.set(seq, ranked[0]);
      for (const extra of ranked.slice(1)) {
        findings.push({ kind: 'inserted', instance, seq, detail: `a second record claims sequence ${seq} (exchange ${String(extra.fields.exchangeId)})` });
      }
    }

    let previous: StoredLink | null = null;
    for (const seq of seqs) {
      const link = chosen.get(seq)!;
      if (chainHash(link.fields, link.seq, link.prev) !== link.hash) {
        findings.push({ kind: 'altered', instance, seq, detail: `${link.quarantined ? 'the quarantined record' : 'the record'}'s fields or hash were changed: its hash does not match them` });
      }
      if (previous && previous.seq === seq - 1 && link.prev !== previous.hash) {
        findings.push({ kind: 'altered', instance, seq: previous.seq, detail: `the record's hash is not the one its successor ${seq} was chained to` });
      }
      if (previous && seq > previous.seq + 1) {
        findings.push({ kind: 'missing', instance, seq: previous.seq + 1, toSeq: seq - 1, detail: `no record (stored or quarantined) for sequence ${range(previous.seq + 1, seq - 1)}` });
      }
      if (!previous && seq === 1 && link.prev !== CHAIN_GENESIS) {
        findings.push({ kind: 'altered', instance, seq, detail: 'the first record does not start from the genesis hash' });
      }
      previous = link;
    }

    const own = checkpointsOf.get(instance) ?? [];
    const first = seqs[0] ?? 0;
    const last = seqs[seqs.length - 1] ?? 0;
    for (const c of own) {
      if (!c.signatureValid) findings.push({ kind: 'checkpoint', instance, seq: c.seq, detail: 'the checkpoint signature does not verify under a trusted key' });
      const link = chosen.get(c.seq);
      if (link && link.hash !== c.hash) findings.push({ kind: 'altered', instance, seq: c.seq, detail: 'the record does not match its signed checkpoint' });
    }
    const lastCheckpoint = own.reduce((max, c) => Math.max(max, c.seq), 0);
    if (lastCheckpoint > last) {
      findings.push({ kind: 'missing', instance, seq: last + 1, toSeq: lastCheckpoint, detail: `a signed checkpoint names sequence ${lastCheckpoint}, but the chain ends at ${last}: ${range(last + 1, lastCheckpoint)} deleted or never stored` });
    }
    const quarantined = [...chosen.values()].filter((l) => l.quarantined).length;
    instances.push({ instance, first, last, records: chosen.size - quarantined, quarantined, checkpoints: own.length });
  }
  for (const u of unchained) {
    findings.push({ kind: 'inserted', instance: u.instance, seq: 0, detail: `${u.count} record(s) without a sequence number or hash` });
  }
  findings.sort((a, b) => a.instance.localeCompare(b.instance) || a.seq - b.seq);
  return { ok: findings.length === 0, findings, instances, unchained };
}

function range(from: number, to: number): string {
  return from === to ? String(from) : `${from}..${to}`;
}
