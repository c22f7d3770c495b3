import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { verifyLedger, publicKeyOf, type SqlClient } from '@nix/ledger';
import { LEDGER_STORE } from '@nix/platform';
import { ensureBuilt } from '../support/dist-build';
import { REPO_ROOT } from '../support/fixtures';
import { eventually } from '../support/polling';
import { DEMO_HEADERS, startTestApp, type TestApp } from '../support/test-app';

const run = promisify(execFile);
const WG = { authorization: 'Bearer demo-wg-key' };
const INSTANCE = 'drill-broker';
const script = (name: string) => join(REPO_ROOT, 'dist', 'apps', 'nix', 'src', name);
const { DATABASE_URL: _ignored, ...inherited } = process.env;

/** The load's inquiry: one service the traffic before the backup does not use, so its report row tells the load apart. */
const LOAD = { registry: 'goods', service: 'goods', body: { gtin: '6260100001237' } };

interface Answered {
  exchangeId: string;
  sentAt: number;
  answeredAt: number;
}

/**
 * The restore drill (R16, issue 16 point 2): traffic and governance state written; a backup taken with npm run backup
 * while inquiries keep arriving; the ledger destroyed; npm run restore into the empty data directory; NIX started on
 * it; reports and governance state compared with those at the backup; RPO and RTO measured and printed.
 */
describe('the restore drill: backup under load, ledger destroyed, restored, nothing committed before the backup lost', () => {
  let nix: TestApp;
  let dataDir: string;
  const env = (extra: Record<string, string> = {}) => ({ ...inherited, NODE_ENV: 'development', ...extra });

  beforeAll(() => ensureBuilt(), 240_000);
  afterAll(async () => nix?.close());

  const reports = async (app: TestApp) => {
    const from = new Date(Date.now() - 3 * 3600_000).toISOString();
    const to = new Date(Date.now() + 3 * 3600_000).toISOString();
    const range = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    const get = async (path: string) => {
      const response = await app.call('GET', path, { headers: WG });
      expect(response.status).toBe(200);
      return response.json;
    };
    const usage = await get(`/v1/reports/usage?${range}&groupBy=consumer,registry,service,outcome`);
    const levels = await get(`/v1/reports/service-levels?${range}`);
    return { usage: usage.rows as Record<string, unknown>[], serviceLevels: levels.rows as Record<string, unknown>[] };
  };

  const governance = async (app: TestApp) => {
    const get = async (path: string) => {
      const response = await app.call('GET', path, { headers: WG });
      expect(response.status).toBe(200);
      return response.json;
    };
    return {
      agreements: (await get('/v1/agreements')).agreements,
      audit: (await get('/v1/audit?limit=10000')).entries,
      keys: (await get('/v1/agencies/drill-pension-fund/keys')).keys,
      serviceRequests: (await get('/v1/service-requests')).serviceRequests,
      disputes: (await get('/v1/disputes')).disputes,
    };
  };

  it('restores, from a backup taken under load, the reports and governance state of the backup, and measures RPO and RTO', async () => {
    nix = await startTestApp({ NIX_INSTANCE_ID: INSTANCE });
    dataDir = nix.config.paths.data;

    // 1. Governance state: an agency, its key, an agreement, a suspension, a service request and a dispute.
    expect((await nix.call('POST', '/v1/agencies', { headers: WG, body: { id: 'drill-pension-fund', name: { fa: 'صندوق آزمایشی', en: 'Drill pension fund' }, roles: ['consumer'] } })).status).toBe(201);
    const issued = await nix.call('POST', '/v1/agencies/drill-pension-fund/keys', { headers: WG, body: {} });
    expect(issued.status).toBe(201);
    const drillKey = { authorization: `Bearer ${issued.json.key}`, 'x-purpose': 'pension-eligibility' };
    const agreement = { consumer: 'drill-pension-fund', registry: 'address', service: 'postal-code', dataItems: ['province'], purposes: ['pension-eligibility'], dailyQuota: 1000, validFrom: '2026-01-01', validUntil: '2030-12-31', resolution: 'WG-DRILL-1' };
    expect((await nix.call('POST', '/v1/agreements', { headers: WG, body: agreement })).status).toBe(201);
    const second = await nix.call('POST', '/v1/agreements', { headers: WG, body: { ...agreement, registry: 'legal-entity', service: 'company', dataItems: ['name'], resolution: 'WG-DRILL-2' } });
    expect(second.status).toBe(201);
    expect((await nix.call('POST', `/v1/agreements/${second.json.id}/suspension`, { headers: WG, body: { resolution: 'WG-DRILL-3' } })).status).toBe(200);
    expect((await nix.call('POST', '/v1/service-requests', { headers: drillKey, body: { description: 'Pension records by national ID' } })).status).toBe(201);
    expect((await nix.call('POST', '/v1/disputes', { headers: drillKey, body: { subject: { kind: 'agreement', id: second.json.id }, statement: 'The suspension was not notified.' } })).status).toBe(201);

    // 2. Traffic: answers, refusals and invalid inquiries from two agencies.
    for (let i = 0; i < 5; i++) {
      expect((await nix.inquire('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21' })).status).toBe(200);
      expect((await nix.inquire('address', 'postal-code', { postalCode: '1193653471' }, drillKey)).status).toBe(200);
      expect((await nix.inquire('legal-entity', 'company', { nationalId: '10100841331' }, drillKey)).status).toBe(403);
      expect((await nix.inquire('identity', 'person', { nationalId: '0067749829', birthDate: '1988-03-21' })).status).toBe(400);
    }
    await nix.flushLedger();
    const reportsBefore = await reports(nix);
    const governanceBefore = await governance(nix);
    expect(reportsBefore.usage.length).toBeGreaterThanOrEqual(4);

    // The backup call is a POST on the metrics listener only.
    const get = await request(`${nix.metricsUrl}/ops/backup`);
    expect([get.statusCode, get.headers.allow, get.headers['content-type']]).toEqual([405, 'POST', 'application/problem+json; charset=utf-8']);
    await get.body.dump();

    // 3. A backup taken while inquiries keep arriving (npm run backup, against the metrics listener's port).
    const answered: Answered[] = [];
    let loading = true;
    const worker = async () => {
      while (loading) {
        const sentAt = Date.now();
        const response = await nix.inquire(LOAD.registry, LOAD.service, LOAD.body, DEMO_HEADERS);
        expect(response.status).toBe(200);
        answered.push({ exchangeId: response.headers['x-exchange-id'], sentAt, answeredAt: Date.now() });
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await eventually(async () => answered.length, (n) => n >= 50, 60_000);
    const backupFile = join(mkdtempSync(join(tmpdir(), 'nix-backup-')), 'nix.backup.tar.gz');
    const metricsPort = new URL(nix.metricsUrl).port;
    const backupStartedAt = Date.now();
    const backup = await run(process.execPath, [script('backup.js'), '--out', backupFile], { cwd: REPO_ROOT, env: env({ NIX_METRICS_PORT: metricsPort }) });
    const backupEndedAt = Date.now();
    await eventually(async () => answered.filter((a) => a.sentAt > backupEndedAt).length, (n) => n >= 20, 60_000);
    loading = false;
    await Promise.all(workers);
    expect(backup.stdout).toMatch(/^backed up the embedded store to .*: \d+ bytes in [\d.]+ s; every exchange received up to \S+ is in it\n$/);
    // R3 on disk: the archive is its owner's only.
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);

    // 4. The ledger destroyed: NIX stopped, its data directory gone.
    await nix.close();
    rmSync(dataDir, { recursive: true, force: true });
    expect(existsSync(dataDir)).toBe(false);

    // A restore never goes into a data directory that holds anything.
    const occupied = mkdtempSync(join(tmpdir(), 'nix-occupied-'));
    writeFileSync(join(occupied, 'something'), 'x');
    await expect(run(process.execPath, [script('restore.js'), backupFile], { cwd: REPO_ROOT, env: env({ NIX_DATA_DIR: occupied }) })).rejects.toMatchObject({
      stderr: expect.stringMatching(/restore failed: .* is not empty .*: a restore goes into an empty data directory only/),
    });

    // 5. Restored into the empty data directory, and NIX started on it: the recovery time.
    const restoreStartedAt = Date.now();
    const restored = await run(process.execPath, [script('restore.js'), backupFile], { cwd: REPO_ROOT, env: env({ NIX_DATA_DIR: dataDir }) });
    expect(restored.stdout).toMatch(new RegExp(`^restored .* in [\\d.]+ s: \\d+ traffic records, \\d+ governance audit entries, governance version \\d+; chains continue: ${INSTANCE} at \\d+\\n$`));
    nix = await startTestApp({ NIX_INSTANCE_ID: INSTANCE, NIX_DATA_DIR: dataDir });
    await eventually(async () => (await nix.call('GET', '/health/ready')).status, (status) => status === 200, 60_000);
    const rtoMs = Date.now() - restoreStartedAt;

    // 6. What the restored ledger holds of the load: everything answered before the backup began (RPO: none lost),
    // nothing sent after it ended, and of the exchanges in flight meanwhile, those it recorded.
    const store = nix.app.get<symbol, SqlClient>(LEDGER_STORE, { strict: false });
    const ids = answered.map((a) => a.exchangeId);
    const stored = new Set(
      (await store.query<{ id: string }>('SELECT exchange_id::text AS id FROM traffic_record WHERE exchange_id = ANY($1::uuid[])', [`{${ids.join(',')}}`])).map((r) => r.id),
    );
    const beforeBackup = answered.filter((a) => a.answeredAt < backupStartedAt);
    const afterBackup = answered.filter((a) => a.sentAt > backupEndedAt);
    const lost = beforeBackup.filter((a) => !stored.has(a.exchangeId));
    expect(beforeBackup.length).toBeGreaterThanOrEqual(50);
    expect(lost).toEqual([]);
    expect(afterBackup.filter((a) => stored.has(a.exchangeId))).toEqual([]);

    // The reports: every row as at the backup, and the load's row counting exactly the load's exchanges the ledger kept.
    const reportsAfter = await reports(nix);
    const isLoad = (row: Record<string, unknown>) => row.registry === LOAD.registry && row.service === LOAD.service;
    expect(reportsAfter.usage.filter((r) => !isLoad(r))).toEqual(reportsBefore.usage);
    expect(reportsAfter.serviceLevels.filter((r) => !isLoad(r))).toEqual(reportsBefore.serviceLevels);
    expect(reportsAfter.usage.filter(isLoad)).toEqual([expect.objectContaining({ consumer: 'demo-agency', outcome: 'ok', count: stored.size })]);
    // The governance state: exactly as at the backup (the load changed none of it).
    expect(await governance(nix)).toEqual(governanceBefore);

    // The restored ledger goes on: new traffic chains on from the restored head, and the chain verifies clean.
    expect((await nix.inquire('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21' })).status).toBe(200);
    await nix.flushLedger();
    const verification = await verifyLedger(store, [publicKeyOf(nix.config.ledger.chain.signingKey!)]);
    expect(verification.findings.filter((f) => f.kind !== 'missing')).toEqual([]);

    const inFlight = answered.length - beforeBackup.length - afterBackup.length;
    process.stdout.write(
      `restore drill: RPO ${lost.length} of ${beforeBackup.length} exchanges answered before the backup lost ` +
        `(${stored.size - beforeBackup.length} of ${inFlight} in flight during it kept); backup ${backupEndedAt - backupStartedAt} ms under load; ` +
        `RTO ${rtoMs} ms (restore ${restored.stdout.match(/in ([\d.]+) s/)![1]} s, then NIX ready)\n`,
    );
    // The metrics listener's backup call is loopback-only without NIX_OPS_TOKEN, and never on the API port.
    expect((await request(`${nix.url}/ops/backup`, { method: 'POST' })).statusCode).toBe(404);
  }, 300_000);
});
