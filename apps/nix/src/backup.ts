import { closeSync, openSync, renameSync, rmSync, writeSync, chmodSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { ConfigurationError, loadConfig } from '@nix/config';

/**
 * npm run backup -- --out FILE: asks the running NIX (its metrics listener, POST /ops/backup; never the API port) for
 * a consistent snapshot of the embedded store, and writes it to FILE, readable by its owner only (0600).
 * --url names the listener when it is not this machine's NIX_METRICS_HOST:NIX_METRICS_PORT; NIX_OPS_TOKEN is sent when set.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' }, url: { type: 'string' } } });
  if (!values.out) {
    process.stderr.write('usage: npm run backup -- --out FILE [--url http://127.0.0.1:9464]\n');
    process.exit(2);
  }
  const out = resolve(values.out);
  if (existsSync(out)) throw new Error(`${out} exists; a backup never overwrites a file`);
  const config = loadConfig();
  const host = ['0.0.0.0', '::'].includes(config.metrics.host) ? '127.0.0.1' : config.metrics.host;
  const base = values.url ?? `http://${host.includes(':') ? `[${host}]` : host}:${config.metrics.port}`;
  const started = Date.now();
  const response = await request(`${base}/ops/backup`, {
    method: 'POST',
    headers: config.ops.token ? { authorization: `Bearer ${config.ops.token}` } : {},
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  });
  if (response.statusCode !== 200) {
    const text = await response.body.text();
    throw new Error(`${base}/ops/backup answered ${response.statusCode}: ${text.slice(0, 500)}`);
  }
  const partial = `${out}.partial`;
  // Created owner-only: the archive holds traffic metadata (agencies, services, times), never content (R3).
  const fd = openSync(partial, 'wx', 0o600);
  let bytes = 0;
  try {
    for await (const chunk of response.body) {
      writeSync(fd, chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  } catch (error) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw error;
  }
  closeSync(fd);
  chmodSync(partial, 0o600);
  renameSync(partial, out);
  const cutoff = String(response.headers['x-nix-backup-cutoff'] ?? '');
  const settled = response.headers['x-nix-backup-settled'] !== 'false';
  process.stdout.write(
    `backed up the embedded store to ${out}: ${bytes} bytes in ${((Date.now() - started) / 1000).toFixed(2)} s; every exchange received up to ${cutoff} is in it` +
      `${settled ? '' : ' (except those still unanswered after 5 s, see the NIX log)'}\n`,
  );
}

main().catch((error: Error) => {
  process.stderr.write(`${error instanceof ConfigurationError ? 'NIX cannot back up' : 'backup failed'}: ${error.message}\n`);
  process.exit(1);
});
