import { PgliteSqlClient } from '../sql/pglite-sql-client';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDatabaseLeaks, findLeaks } from './content-audit';

describe('the R3 content audit', () => {
  it('finds an identifier wherever it is, and names the place', () => {
    const leaks = findLeaks(
      [
        { source: 'log line 1', text: '{"msg":"exchange","outcome":"ok"}' },
        { source: 'log line 2', text: '{"msg":"failed","body":{"nationalId":"0067749828"}}' },
        { source: 'topic message 7', text: 'postal 1193653471 seen' },
      ],
      ['0067749828', '1193653471', '12ب345-67'],
    );
    expect(leaks.map((l) => [l.source, l.needle])).toEqual([
      ['log line 2', '0067749828'],
      ['topic message 7', '1193653471'],
    ]);
    expect(leaks[0].excerpt).toContain('nationalId');
  });

  it('finds nothing in clean metadata', () => {
    expect(findLeaks([{ source: 'row', text: '{"consumer":"tax-organization","outcome":"ok"}' }], ['0067749828'])).toEqual([]);
  });

  describe('over a database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nix-audit-'));
    const sql = new PgliteSqlClient(dir);
    afterAll(async () => {
      await sql.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('fails the day someone adds a payload column, in any table or partition', async () => {
      await sql.exec(`CREATE TABLE traffic (exchange_id text, received_at timestamptz) PARTITION BY RANGE (received_at);
        CREATE TABLE traffic_2026 PARTITION OF traffic FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
        INSERT INTO traffic VALUES ('01a2', '2026-11-23T10:00:00Z');`);
      expect(await findDatabaseLeaks(sql, ['0067749828'])).toEqual([]);
      await sql.exec(`ALTER TABLE traffic ADD COLUMN payload jsonb; INSERT INTO traffic VALUES ('01a3', '2026-11-23T10:00:01Z', '{"nationalId":"0067749828"}');`);
      const leaks = await findDatabaseLeaks(sql, ['0067749828']);
      expect(leaks).toHaveLength(1);
      expect(leaks[0].source).toMatch(/^table traffic_2026 row \d+$/);
    }, 30_000);
  });
});
