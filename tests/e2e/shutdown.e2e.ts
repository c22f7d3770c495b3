import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { embeddedStoreDir, PgliteSqlClient } from '@nix/ledger';
import { REPO_ROOT } from '../support/fixtures';
import { startFakeRegistries } from '../support/sample-registry';
import { DEMO_HEADERS } from '../support/test-app';
import { freePort } from '../support/ports';

jest.setTimeout(90_000);


describe('graceful shutdown of the process', () => {
  let registries: Awaited<ReturnType<typeof startFakeRegistries>>;
  let child: ChildProcess;
  let output = '';

  beforeAll(async () => {
    registries = await startFakeRegistries();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await registries.close();
  });

  it('on SIGTERM stops accepting, answers the inquiry in flight, records it, and exits 0', async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'nix-shutdown-'));
    child = spawn(process.execPath, ['-r', './tests/bench/register.js', 'apps/nix/src/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: String(port), NIX_METRICS_PORT: '0', HOST: '127.0.0.1', NIX_DATA_DIR: dataDir, NIX_LOG_LEVEL: 'info', ...registries.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const base = `http://127.0.0.1:${port}`;
    for (let ready = false; !ready; ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      ready = await request(`${base}/health/ready`).then((r) => r.statusCode === 200, () => false);
    }
    // Metrics are on the listener the process logs (NIX_METRICS_PORT=0: a free port on loopback), not on the API port.
    // The process logs it once both listeners listen, which can be just after the API answers.
    const loggedMetricsUrl = () => /"metrics":"(http:\/\/127\.0\.0\.1:\d+\/metrics)"/.exec(output)?.[1];
    for (let waited = 0; !loggedMetricsUrl() && waited < 10_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    const metricsUrl = loggedMetricsUrl();
    expect(metricsUrl).toBeDefined();
    const scrape = await request(metricsUrl!);
    expect([scrape.statusCode, (await scrape.body.text()).includes('nix_process_cpu_seconds_total')]).toEqual([200, true]);
    const onApiPort = await request(`${base}/metrics`);
    expect([onApiPort.statusCode, onApiPort.headers['content-type']]).toEqual([404, expect.stringMatching(/^application\/problem\+json/)]);
    await onApiPort.body.text();
    // A ledger that is open already, so that the flush at shutdown is what writes the record.
    await request(`${base}/v1/inquiries/goods/goods`, { method: 'POST', headers: { ...DEMO_HEADERS, 'content-type': 'application/json' }, body: '{"gtin":"6260100001237"}' }).then((r) => r.body.text());

    registries.server.fault = { kind: 'stall', ms: 1500 };
    const inFlight = request(`${base}/v1/inquiries/address/postal-code`, {
      method: 'POST',
      headers: { ...DEMO_HEADERS, 'content-type': 'application/json' },
      body: '{"postalCode":"1193653471"}',
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(await answer.body.text())).toMatchObject({ city: 'تهران' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Closing: a new request is turned away (503 and Connection: close, or no connection at all).
    const late = await request(`${base}/health/live`).then(
      (r) => ({ status: r.statusCode, connection: r.headers.connection }),
      () => ({ status: 0, connection: 'refused' }),
    );
    expect([{ status: 503, connection: 'close' }, { status: 0, connection: 'refused' }]).toContainEqual(late);
    expect(await exited).toBe(0);
    await expect(request(metricsUrl!).then((r) => r.body.text())).rejects.toThrow();
    expect(output).toContain('stopped cleanly');

    const store = new PgliteSqlClient(embeddedStoreDir(dataDir));
    try {
      const rows = await store.query<{ outcome: string; registry: string }>('SELECT outcome, registry FROM traffic_record ORDER BY received_at');
      expect(rows).toEqual([
        { outcome: 'ok', registry: 'goods' },
        { outcome: 'ok', registry: 'address' },
      ]);
    } finally {
      await store.close();
    }
  });
});
