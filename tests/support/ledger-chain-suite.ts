import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ChainingTrafficSink, embeddedStoreDir, PgliteSqlClient, PgSqlClient, publicKeyOf, TRAFFIC_SINK, verifyLedger, type SqlClient } from '@nix/ledger';
import { LEDGER_STORE } from '@nix/platform';
import { ensureBuilt } from './dist-build';
import { REPO_ROOT } from './fixtures';
import { DEMO_HEADERS, startTestApp, type TestApp } from './test-app';

const PERSON = { nationalId: '0067749828', birthDate: '1988-03-21' };
const INSTANCE = 'broker-chain-test';

/**
 * The tamper-evident ledger (issue 13, point 5): traffic sent through the real app is chained per broker instance
 * and checkpointed; `npm run ledger:verify` (what it runs after its build) passes on the clean ledger, and each
 * changed, deleted or forged row is reported by instance and sequence number.
 */
export function ledgerChainSuite(describeIn: jest.Describe, name: string, storeEnv: () => Promise<Record<string, string>>): void {
  describeIn(name, () => {
    let nix: TestApp;
    let env: Record<string, string>;
    let dataDir: string;
    let store: SqlClient;
    let trusted: string[];

    const verifyScript = (settings: Record<string, string> = { NODE_ENV: 'development' }) => {
      const { DATABASE_URL: _ignored, ...inherited } = process.env;
      return spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'apps', 'nix', 'src', 'ledger-verify.js')], {
        cwd: REPO_ROOT,
        env: { ...inherited, ...settings, NIX_DATA_DIR: dataDir, ...env },
        encoding: 'utf8',
      });
    };
    const verify = () => verifyLedger(store, trusted);
    const row = (seq: number) =>
      store.query<{ exchange_id: string; received_at: string }>(
        'SELECT exchange_id::text, received_at::text FROM traffic_record WHERE broker_instance = $1 AND ledger_seq = $2',
        [INSTANCE, seq],
      );

    beforeAll(async () => {
      ensureBuilt();
      env = await storeEnv();
      nix = await startTestApp({ ...env, NIX_INSTANCE_ID: INSTANCE, NIX_LEDGER_CHECKPOINT_EVERY: '4' });
      dataDir = nix.config.paths.data;
      trusted = [publicKeyOf(nix.config.ledger.chain.signingKey!)];
      for (let i = 0; i < 9; i++) expect((await nix.inquire('identity', 'person', PERSON)).status).toBe(200);
      // A refused inquiry is recorded and chained as well.
      expect((await nix.inquire('identity', 'person', PERSON, { ...DEMO_HEADERS, 'x-purpose': 'marketing' })).status).toBe(403);
      await nix.flushLedger();
    });

    afterAll(async () => {
      await store?.close();
    });

    it('numbers and chains every record of the instance, and signs checkpoints', async () => {
      const ledger = nix.app.get<SqlClient>(LEDGER_STORE, { strict: false });
      const rows = await ledger.query<{ seq: number; prev: string; hash: string }>(
        'SELECT ledger_seq::int AS seq, ledger_prev AS prev, ledger_hash AS hash FROM traffic_record WHERE broker_instance = $1 ORDER BY ledger_seq',
        [INSTANCE],
      );
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(rows[0].prev).toBe('0'.repeat(64));
      for (let i = 1; i < rows.length; i++) expect(rows[i].prev).toBe(rows[i - 1].hash);
      const checkpoints = await ledger.query<{ seq: number }>('SELECT seq::int AS seq FROM ledger_checkpoint WHERE broker_instance = $1 ORDER BY seq', [INSTANCE]);
      expect(checkpoints.map((c) => c.seq)).toEqual([4, 8]);

      const result = await verifyLedger(ledger, trusted);
      expect(result.findings).toEqual([]);
      expect(result.instances).toEqual([{ instance: INSTANCE, first: 1, last: 10, records: 10, quarantined: 0, checkpoints: 2 }]);
      // The sink signs a last checkpoint at close.
      expect(nix.app.get(TRAFFIC_SINK, { strict: false })).toBeInstanceOf(ChainingTrafficSink);
      await nix.close();
    });

    it('passes the clean ledger with exit code 0 (npm run ledger:verify)', () => {
      const run = verifyScript();
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`instance ${INSTANCE}: sequence 1..10, 10 stored, 0 quarantined, 3 checkpoint(s)`);
      expect(run.stdout).toContain('ledger verified');
      expect(run.status).toBe(0);
    });

    it('verifies in production with the public keys only, and says so when it is given none', () => {
      const production = { NODE_ENV: 'production', NIX_TRACKING_KEY: 'an-auditors-tracking-key-0123' };
      const run = verifyScript({ ...production, NIX_LEDGER_TRUSTED_KEYS: trusted.join(',') });
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain('ledger verified');
      const without = verifyScript(production);
      expect(without.stderr).toContain('NIX_LEDGER_TRUSTED_KEYS');
      expect(without.status).toBe(2);
    });

    it('reports an updated row by instance and sequence', async () => {
      store = env.DATABASE_URL ? new PgSqlClient(env.DATABASE_URL, 1) : new PgliteSqlClient(embeddedStoreDir(dataDir));
      await store.query("UPDATE traffic_record SET consumer = 'someone-else' WHERE broker_instance = $1 AND ledger_seq = 3", [INSTANCE]);
      const result = await verify();
      expect(result.ok).toBe(false);
      expect(result.findings).toEqual([expect.objectContaining({ kind: 'altered', instance: INSTANCE, seq: 3 })]);
    });

    it('reports a deleted row as missing', async () => {
      const [victim] = await row(6);
      await store.query('DELETE FROM traffic_record WHERE exchange_id = $1', [victim.exchange_id]);
      const result = await verify();
      expect(result.findings).toEqual([
        expect.objectContaining({ kind: 'altered', instance: INSTANCE, seq: 3 }),
        expect.objectContaining({ kind: 'missing', instance: INSTANCE, seq: 6, toSeq: 6 }),
      ]);
    });

    it('reports a forged row claiming a taken sequence number as inserted', async () => {
      // A copy of record 8 under another exchange ID, its own hash recomputed: it still cannot take 8's place in the chain.
      await store.query(
        `INSERT INTO traffic_record (exchange_id, received_at, dispatched_at, adapter_received_at, adapter_replied_at,
                responded_at, consumer, registry, custodian, service, service_version, purpose, agreement, tracking_digest, receipt_digest, outcome, http_status,
                problem_type, request_bytes, response_bytes, total_ms, broker_ms, transport_ms, adapter_ms, registry_ms, broker_instance, adapter_instance,
                ledger_seq, ledger_prev, ledger_hash)
         SELECT (overlay(exchange_id::text placing 'ffffffffffff' from 25))::uuid, received_at, dispatched_at, adapter_received_at, adapter_replied_at,
                responded_at, consumer, registry, custodian, service, service_version, purpose, agreement, tracking_digest, receipt_digest, outcome, http_status,
                problem_type, request_bytes, response_bytes, total_ms, broker_ms, transport_ms, adapter_ms, registry_ms, broker_instance, adapter_instance,
                ledger_seq, ledger_prev, ledger_hash
         FROM traffic_record WHERE broker_instance = $1 AND ledger_seq = 8`,
        [INSTANCE],
      );
      const result = await verify();
      expect(result.findings).toEqual([
        expect.objectContaining({ kind: 'altered', seq: 3 }),
        expect.objectContaining({ kind: 'missing', seq: 6 }),
        expect.objectContaining({ kind: 'inserted', instance: INSTANCE, seq: 8, detail: expect.stringContaining('ffffffffffff') }),
      ]);
    });

    it('reports a forged row without a chain, and a deleted tail past the last checkpoint', async () => {
      await store.query(
        `INSERT INTO traffic_record (exchange_id, received_at, responded_at, outcome, http_status, request_bytes, response_bytes, total_ms, broker_ms, broker_instance)
         VALUES ('0190f1d2-0000-7000-8000-00000000f0f0', now(), now(), 'ok', 200, 1, 1, 1, 1, $1)`,
        [INSTANCE],
      );
      const [tail] = await row(10);
      await store.query('DELETE FROM traffic_record WHERE exchange_id = $1', [tail.exchange_id]);
      const result = await verify();
      expect(result.findings).toEqual([
        expect.objectContaining({ kind: 'inserted', seq: 0, detail: '1 record(s) without a sequence number or hash' }),
        expect.objectContaining({ kind: 'altered', seq: 3 }),
        expect.objectContaining({ kind: 'missing', seq: 6 }),
        expect.objectContaining({ kind: 'inserted', seq: 8 }),
        expect.objectContaining({ kind: 'missing', instance: INSTANCE, seq: 10, toSeq: 10 }),
      ]);
      await store.close();
      store = undefined as unknown as SqlClient;
    });

    it('fails npm run ledger:verify, naming each finding by instance and sequence', () => {
      const run = verifyScript();
      expect(run.stdout).toContain(`ALTERED instance ${INSTANCE} seq 3:`);
      expect(run.stdout).toContain(`MISSING instance ${INSTANCE} seq 6:`);
      expect(run.stdout).toContain(`INSERTED instance ${INSTANCE} seq 8:`);
      expect(run.stdout).toContain(`MISSING instance ${INSTANCE} seq 10:`);
      expect(run.stdout).toContain('ledger NOT verified: 5 finding(s)');
      expect(run.status).toBe(1);
    });
  });
}
