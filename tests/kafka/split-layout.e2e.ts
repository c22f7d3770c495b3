import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { request } from 'undici';
import { DEMO_LEDGER_SIGNING_KEY } from '@nix/config';
import { PgSqlClient, publicKeyOf, verifyLedger } from '@nix/ledger';
import { ROLE_DEFAULTS } from '@nix/runtime';
import { ensureBuilt } from '../support/dist-build';
import { REPO_ROOT } from '../support/fixtures';
import { describeWithKafka, kafkaEnv, uniquePrefix } from '../support/kafka-env';
import { eventually } from '../support/polling';
import { freePort } from '../support/ports';
import { freshDatabase } from '../support/postgres';
import { DEMO_HEADERS } from '../support/test-app';

jest.setTimeout(300_000);

/** The README's examples, one per registry. */
const INQUIRIES: Array<[string, unknown]> = [
  ['identity/person', { nationalId: '0067749828', birthDate: '1988-03-21' }],
  ['legal-entity/company', { nationalId: '10100841331' }],
  ['address/postal-code', { postalCode: '1193653471' }],
  ['vehicle/vehicle', { vin: 'NAAM11CA3EK123456', ownerNationalId: '0067749828' }],
  ['goods/goods', { gtin: '6260100001237' }],
];

interface RoleProcess {
  name: string;
  child: ChildProcess;
  base: string;
  output: string;
  exited: Promise<number | null>;
}

/** Whether a port can be bound on every interface, as a role's listener binds it by default. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** The command of an npm script (`node dist/apps/…/main.js`), as the README's `npm run start:*` runs it. */
function scriptCommand(script: string): string[] {
  const scripts = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
  const argv = scripts[script].split(/\s+/);
  expect(argv[0]).toBe('node');
  return argv.slice(1);
}

describeWithKafka('the split layout: broker, adapters and recorder as separate processes on one machine', () => {
  const prefix = uniquePrefix('nixtest-split');
  const roles: RoleProcess[] = [];
  let databaseUrl: string;

  beforeAll(async () => {
    ensureBuilt();
    databaseUrl = await freshDatabase();
  });
  afterAll(() => {
    for (const role of roles) role.child.kill('SIGKILL');
  });

  it('start from the README commands with their own default ports, answer through Kafka, record, and stop cleanly', async () => {
    const roleDefaults = [ROLE_DEFAULTS.broker, ROLE_DEFAULTS.adapter, ROLE_DEFAULTS.recorder];
    const defaults = roleDefaults.flatMap((d) => [d.port, d.metricsPort]);
    // The default ports when this machine has them free (the point of the test); else ports of its own.
    const useDefaults = (await Promise.all(defaults.map(portIsFree))).every(Boolean);
    if (!useDefaults) process.stderr.write(`split layout: ports ${defaults.join(', ')} are busy here; the roles get PORT set\n`);

    const start = async (name: string, script: string, defaultPort: number, args: string[] = []): Promise<RoleProcess> => {
      const port = useDefaults ? defaultPort : await freePort();
      const env: Record<string, string> = {
        ...(process.env as Record<string, string>),
        ...kafkaEnv(prefix, `${prefix}-${name}`),
        DATABASE_URL: databaseUrl,
        NIX_DATA_DIR: mkdtempSync(join(tmpdir(), `nix-split-${name}-`)),
        NIX_LOG_LEVEL: 'info',
      };
      delete env.PORT;
      delete env.NIX_METRICS_PORT;
      if (!useDefaults) Object.assign(env, { PORT: String(port), NIX_METRICS_PORT: '0' });
      const child = spawn(process.execPath, [...scriptCommand(script), ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const role: RoleProcess = {
        name,
        child,
        base: `http://127.0.0.1:${port}`,
        output: '',
        exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
      };
      child.stdout.on('data', (chunk) => (role.output += chunk));
      child.stderr.on('data', (chunk) => (role.output += chunk));
      roles.push(role);
      return role;
    };
    const ready = async (role: RoleProcess) => {
      const status = await eventually(
        () => request(`${role.base}/health/ready`).then(async (r) => (await r.body.text(), r.statusCode)),
        (s) => s === 200 || role.child.exitCode !== null,
        120_000,
      );
      if (status !== 200) throw new Error(`${role.name} is not ready (exit ${role.child.exitCode}):\n${role.output.slice(-3000)}`);
    };

    // Each as the README's table gives it.
    const recorder = await start('recorder', 'start:recorder', ROLE_DEFAULTS.recorder.port);
    const adapter = await start('adapter', 'start:adapter', ROLE_DEFAULTS.adapter.port);
    const broker = await start('broker', 'start:broker', ROLE_DEFAULTS.broker.port);
    for (const role of [recorder, adapter, broker]) await ready(role);
    if (useDefaults) {
      // Each role's metrics listener on its own default port, on loopback.
      for (const defaults of roleDefaults) {
        const scrape = await request(`http://127.0.0.1:${defaults.metricsPort}/metrics`);
        expect({ port: defaults.metricsPort, status: scrape.statusCode }).toEqual({ port: defaults.metricsPort, status: 200 });
        expect(await scrape.body.text()).toContain('nix_');
      }
    }

    // The broker sees the adapter process serving every registry.
    const health = await eventually(
      () => request(`${broker.base}/health/ready`).then((r) => r.body.json() as Promise<any>),
      (h) => !h?.details?.adapters?.noAdapter,
      60_000,
    );
    expect(health.details.adapters.noAdapter).toBeUndefined();

    const exchanges: string[] = [];
    for (const [path, body] of INQUIRIES) {
      const response = await request(`${broker.base}/v1/inquiries/${path}`, {
        method: 'POST',
        headers: { ...DEMO_HEADERS, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.body.text();
      expect({ path, status: response.statusCode }).toEqual({ path, status: 200 });
      expect(Object.keys(JSON.parse(text)).length).toBeGreaterThan(0);
      exchanges.push(String(response.headers['x-exchange-id']));
    }

    // The recorder process wrote one traffic record per exchange, each carried by the adapter process.
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const rows = await eventually(
        () => db.query<{ exchange_id: string; outcome: string; broker_instance: string; adapter_instance: string }>(
          'SELECT exchange_id::text, outcome, broker_instance, adapter_instance FROM traffic_record',
        ).then((r) => r.rows),
        (r) => r.length >= exchanges.length,
        90_000,
      );
      expect(rows.map((r) => r.exchange_id).sort()).toEqual([...exchanges].sort());
      for (const row of rows) expect(row).toMatchObject({ outcome: 'ok', broker_instance: `${prefix}-broker`, adapter_instance: `${prefix}-adapter` });
    } finally {
      await db.end();
    }

    for (const role of [broker, adapter, recorder]) {
      role.child.kill('SIGTERM');
      const code = await role.exited;
      if (code !== 0) throw new Error(`${role.name} exited ${code}:\n${role.output.slice(-3000)}`);
      expect(role.output).toContain('stopped cleanly');
    }

    // The broker chained its records through Kafka and the recorder, and signed a checkpoint at its stop (issue 13, point 5).
    const ledger = new PgSqlClient(databaseUrl, 1);
    try {
      const verification = await verifyLedger(ledger, [publicKeyOf(DEMO_LEDGER_SIGNING_KEY)]);
      expect(verification.findings).toEqual([]);
      expect(verification.instances).toEqual([
        expect.objectContaining({ instance: `${prefix}-broker`, first: 1, last: exchanges.length, records: exchanges.length, checkpoints: expect.any(Number) }),
      ]);
      expect(verification.instances[0].checkpoints).toBeGreaterThanOrEqual(1);
    } finally {
      await ledger.close();
    }
  });
});
