import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FallbackTrafficQuarantine, FileTrafficQuarantine, isDataError, quarantineEntryOf, type QuarantineEntry, type TrafficQuarantine } from './traffic-quarantine';

describe('isDataError', () => {
  it.each([
    ['22003', true], // numeric value out of range
    ['22P02', true], // invalid text representation
    ['22008', true], // datetime field overflow
    ['23514', true], // check violation, a missing partition included
    ['23502', true], // not null violation
    ['08006', false], // connection failure
    ['57P01', false], // admin shutdown
    ['53300', false], // too many connections
    ['ECONNREFUSED', false],
  ])('SQLSTATE or code %s: %s', (code, expected) => {
    expect(isDataError(Object.assign(new Error('x'), { code }))).toBe(expected);
  });

  it('knows Kafka refusing the message itself, and nothing without a code', () => {
    expect(isDataError(Object.assign(new Error('x'), { type: 'MESSAGE_TOO_LARGE' }))).toBe(true);
    expect(isDataError(Object.assign(new Error('x'), { type: 'NOT_LEADER_FOR_PARTITION' }))).toBe(false);
    expect(isDataError(new Error('the ledger store is not available: still opening'))).toBe(false);
    expect(isDataError(undefined)).toBe(false);
  });
});

describe('quarantines', () => {
  const entry = quarantineEntryOf('writer', 'invalid record: requestBytes is outside 0..1099511627776', {
    exchangeId: '0190f1d2-0000-7000-8000-000000000001',
    requestBytes: -1,
    body: { nationalId: '0067749828' },
  });

  it('keeps only the known fields of a record (R3)', () => {
    expect(entry).toEqual({
      source: 'writer',
      reason: 'invalid record: requestBytes is outside 0..1099511627776',
      exchangeId: '0190f1d2-0000-7000-8000-000000000001',
      record: { exchangeId: '0190f1d2-0000-7000-8000-000000000001', requestBytes: -1 },
    });
  });

  it('falls back to a file beside the spool when the table cannot take the entries', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'nix-quarantine-')), 'quarantine');
    const failing: TrafficQuarantine = { put: async () => Promise.reject(new Error('Connection terminated unexpectedly')) };
    await new FallbackTrafficQuarantine(failing, new FileTrafficQuarantine(dir)).put([entry]);
    const [file] = readdirSync(dir);
    expect(file).toMatch(/^quarantine-\d{4}-\d{2}-\d{2}\.jsonl$/);
    const lines = readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(lines).toEqual([{ ...entry, quarantinedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) }]);
  });

  it('uses the table when it takes them', async () => {
    const taken: QuarantineEntry[] = [];
    const dir = join(mkdtempSync(join(tmpdir(), 'nix-quarantine-')), 'quarantine');
    await new FallbackTrafficQuarantine({ put: async (e) => void taken.push(...e) }, new FileTrafficQuarantine(dir)).put([entry]);
    expect(taken).toEqual([entry]);
    expect(() => readdirSync(dir)).toThrow(/ENOENT/);
  });
});
