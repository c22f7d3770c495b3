import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { request } from 'undici';
import { createDatabase, postgresBinDir } from '../support/local-postgres';
import { REPO_ROOT } from '../support/fixtures';
import { eventually } from '../support/polling';
import { freePort } from '../support/ports';
import { describeWithPostgres } from '../support/postgres';
import { DEMO_HEADERS, startTestApp, type TestApp } from '../support/test-app';

const WG = { authorization: 'Bearer demo-wg-key' };
const SCRIPTS = join(REPO_ROOT, 'deploy', 'postgres');
const asRoot = process.getuid?.() === 0;

/**
 * The PostgreSQL restore drill (R16): a throwaway cluster archiving its WAL with deploy/postgres/wal-archive.sh; a base
 * backup with deploy/postgres/base-backup.sh while inquiries arrive; more traffic and governance changes after it;
 * the cluster destroyed; deploy/postgres/restore.sh and WAL replay into a new data directory; reports and governance
 * compared with those before the destruction. Everything committed and archived is back: RPO 0.
 */
describeWithPostgres('the PostgreSQL restore drill: base backup + WAL archive, cluster destroyed, replayed', () => {
  const bin = postgresBinDir()!;
  let root: string;
  let port: number;
  let nix: TestApp | undefined;
  const run = (command: string, args: string[], env: Record<string, string> = {}) => {
    const argv = ['env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), command, ...args];
    const result = asRoot ? spawnSync('runuser', ['-u', 'postgres', '--', ...argv], { encoding: 'utf8' }) : spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
    return result.stdout;
  };
  const pgCtl = (pgdata: string, action: 'start' | 'stop') =>
    action === 'start'
      ? run(join(bin, 'pg_ctl'), ['-D', pgdata, '-o', `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${join(root, 'socket')}`, '-l', join(root, `${pgdata.split('/').pop()}.log`), '-w', '-t', '120', 'start'])
      : run(join(bin, 'pg_ctl'), ['-D', pgdata, '-m', 'fast', '-w', 'stop']);
  const sql = async <T>(text: string, database = 'postgres'): Promise<T[]> => {
    const client = new Client({ connectionString: `postgres://nix@127.0.0.1:${port}/${database}` });
    await client.connect();
    try {
      return (await client.query(text)).rows as T[];
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'nix-pg-drill-'));
    for (const dir of ['socket', 'archive', 'backups']) mkdirSync(join(root, dir));
    if (asRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      for (const dir of ['', 'socket', 'archive', 'backups']) chownSync(join(root, dir), uid, gid);
    }
    port = await freePort();
    run(join(bin, 'initdb'), ['-D', join(root, 'data'), '-U', 'nix', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
    // deploy/postgres/archiving.conf, with the archive in this drill's directory.
    appendFileSync(
      join(root, 'data', 'postgresql.conf'),
      [
        'wal_level = replica',
        'archive_mode = on',
        `archive_command = 'NIX_WAL_ARCHIVE=${join(root, 'archive')} sh ${join(SCRIPTS, 'wal-archive.sh')} %p %f'`,
        'archive_timeout = 60',
        'max_wal_senders = 4',
        'fsync = off',
        '',
      ].join('\n'),
    );
    pgCtl(join(root, 'data'), 'start');
  }, 120_000);

  afterAll(async () => {
    await nix?.close().catch(() => undefined);
    for (const data of ['data', 'restored']) {
      try {
        pgCtl(join(root, data), 'stop');
      } catch {
        // not running
      }
    }
    rmSync(root, { recursive: true, force: true });
  });

  const state = async (app: TestApp) => {
    const get = async (path: string) => {
      const response = await app.call('GET', path, { headers: WG });
      expect(response.status).toBe(200);
      return response.json;
    };
    const from = encodeURIComponent(new Date(Date.now() - 3 * 3600_000).toISOString());
    const to = encodeURIComponent(new Date(Date.now() + 3 * 3600_000).toISOString());
    return {
      usage: (await get(`/v1/reports/usage?from=${from}&to=${to}&groupBy=consumer,registry,service,outcome`)).rows,
      serviceLevels: (await get(`/v1/reports/service-levels?from=${from}&to=${to}`)).rows,
      agreements: (await get('/v1/agreements')).agreements,
      audit: (await get('/v1/audit?limit=10000')).entries,
    };
  };

  it('restores every change committed before the last archived WAL segment, and measures RPO and RTO', async () => {
    const url = await createDatabase(`postgres://nix@127.0.0.1:${port}/postgres`, 'nix_drill');
    nix = await startTestApp({ DATABASE_URL: url, NIX_INSTANCE_ID: 'pg-drill-broker' });
    const inquire = () => nix!.inquire('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21' }, DEMO_HEADERS);
    for (let i = 0; i < 10; i++) expect((await inquire()).status).toBe(200);
    await nix.flushLedger();

    // A base backup while inquiries keep arriving.
    let loading = true;
    const answered: string[] = [];
    const load = (async () => {
      while (loading) {
        const response = await nix.inquire('goods', 'goods', { gtin: '6260100001237' }, DEMO_HEADERS);
        expect(response.status).toBe(200);
        answered.push(response.headers['x-exchange-id']);
      }
    })();
    const backupStarted = Date.now();
    const backupOut = run('sh', [join(SCRIPTS, 'base-backup.sh'), join(root, 'backups')], { PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: 'nix', PG_BIN: bin });
    const backupMs = Date.now() - backupStarted;
    expect(backupOut).toMatch(/^base backup .*base-\d{8}T\d{6}Z: .* in \d+ s\n$/);
    await eventually(async () => answered.length, (n) => n >= 20, 60_000);
    loading = false;
    await load;

    // Changes after the base backup: only the WAL archive holds them.
    expect((await nix.call('POST', '/v1/agencies', { headers: WG, body: { id: 'pg-drill-agency', name: { fa: 'آزمایشی', en: 'Drill' }, roles: ['consumer'] } })).status).toBe(201);
    for (let i = 0; i < 5; i++) expect((await nix.inquire('address', 'postal-code', { postalCode: '1193653471' })).status).toBe(200);
    await nix.flushLedger();
    const before = await state(nix);
    // The last segment is closed and archived (what archive_timeout does within a minute).
    const [{ segment }] = await sql<{ segment: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS segment');
    await eventually(
      async () => (await sql<{ last: string | null }>('SELECT last_archived_wal AS last FROM pg_stat_archiver'))[0].last,
      (last) => last !== null && last >= segment,
      60_000,
    );
    await nix.close();
    nix = undefined;

    // The cluster destroyed.
    pgCtl(join(root, 'data'), 'stop');
    rmSync(join(root, 'data'), { recursive: true, force: true });

    // Restored from the base backup and the archive into a new data directory, replayed, promoted; NIX started on it.
    const restoreStarted = Date.now();
    const base = join(root, 'backups', readdirSync(join(root, 'backups'))[0]);
    expect(run('sh', [join(SCRIPTS, 'restore.sh'), base, join(root, 'archive'), join(root, 'restored')])).toMatch(/^restored .* into .*restored; start it/);
    pgCtl(join(root, 'restored'), 'start');
    await eventually(async () => (await sql<{ recovering: boolean }>('SELECT pg_is_in_recovery() AS recovering'))[0].recovering, (recovering) => recovering === false, 120_000);
    nix = await startTestApp({ DATABASE_URL: url, NIX_INSTANCE_ID: 'pg-drill-broker' });
    await eventually(async () => (await nix!.call('GET', '/health/ready')).status, (status) => status === 200, 60_000);
    const rtoMs = Date.now() - restoreStarted;

    // NIX never backs PostgreSQL up itself.
    const refused = await request(`${nix.metricsUrl}/ops/backup`, { method: 'POST' });
    expect(refused.statusCode).toBe(409);
    expect(((await refused.body.json()) as { type: string }).type).toMatch(/backup-not-embedded$/);
    const after = await state(nix);
    expect(after).toEqual(before);
    const stored = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM traffic_record WHERE exchange_id = ANY('{${answered.join(',')}}'::uuid[])`, 'nix_drill');
    const lost = answered.length - stored[0].n;
    expect(lost).toBe(0);
    process.stdout.write(`PostgreSQL restore drill: RPO ${lost} of ${answered.length + 15} exchanges lost (all archived); base backup ${backupMs} ms under load; RTO ${rtoMs} ms (restore, WAL replay, NIX ready)\n`);
  }, 300_000);
});
