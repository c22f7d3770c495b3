/**
 * The crash window: how many answered exchanges lose their traffic record
 * when the process is killed with SIGKILL under load, with
 * NIX_LEDGER_DURABILITY=batched and =sync, and what sync costs in throughput.
 *
 * Each run starts the built embedded default (dist/apps/nix/src/main.js) on
 * its own NIX_DATA_DIR, sends the inquiry mix from CRASH_CONNECTIONS
 * concurrent connections for CRASH_SECONDS, keeps the exchange ID of every
 * answer it received (any status), kills the process with SIGKILL while
 * requests are in flight, restarts it on the same directory so that it
 * replays its spool and journal, stops it, and opens the ledger to find which
 * answered exchanges have no record. Writes tests/bench/results.json
 * (crashWindow).
 *
 *   npm run bench:crash          CRASH_RUNS=5 CRASH_SECONDS=6 CRASH_CONNECTIONS=50
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { embeddedStoreDir, journalDir, PgliteSqlClient, spoolDir } from '@nix/ledger';
import { inquiryMix } from './inquiry-mix';
import { runContext, writeResults } from './bench-results';
import { nixStartArgs } from './nix-start';

const ROOT = join(__dirname, '..', '..');
const RUNS = Number(process.env.CRASH_RUNS ?? 5);
const SECONDS = Number(process.env.CRASH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.CRASH_CONNECTIONS ?? 50);
const MODES = (process.env.CRASH_MODES ?? 'batched,sync').split(',');
const PORT = Number(process.env.CRASH_PORT ?? 3950);

function start(dataDir: string, durability: string): ChildProcess {
  return spawn(process.execPath, nixStartArgs(), {
    cwd: ROOT,
    env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', NIX_DATA_DIR: dataDir, NIX_LEDGER_DURABILITY: durability, NIX_LOG_LEVEL: 'error', NODE_ENV: 'development' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Ready, with the ledger's store open: a kill before that would measure the store's own first start. */
async function waitReady(timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ready = await fetch(`http://127.0.0.1:${PORT}/health/ready`).then(
      async (r) => r.ok && ((await r.json()) as { details?: { ledger?: { open?: boolean } } }).details?.ledger?.open === true,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('server not ready');
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Records still waiting on disk (spool and journal), not yet in the ledger. */
function waitingOnDisk(dataDir: string): number {
  let lines = 0;
  for (const dir of [spoolDir(dataDir), journalDir(dataDir)]) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)) lines += readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean).length;
  }
  return lines;
}

interface RunResult {
  answered: number;
  answeredPerSec: number;
  lost: number;
  duplicates: number;
  waitingOnDiskAfterRestart: number;
}

async function run(durability: string): Promise<RunResult> {
  const dataDir = mkdtempSync(join(tmpdir(), `nix-crash-${durability}-`));
  try {
    let child = start(dataDir, durability);
    await waitReady();
    const requests = inquiryMix();
    const pool = new Pool(`http://127.0.0.1:${PORT}`, { connections: CONNECTIONS, pipelining: 1 });
    const answered: string[] = [];
    let killed = false;
    const worker = async (offset: number) => {
      for (let i = offset; !killed; i += CONNECTIONS) {
        const r = requests[i % requests.length];
        try {
          const response = await pool.request({ method: 'POST', path: r.path, headers: r.headers, body: r.body });
          await response.body.text();
          // The whole answer was received: its exchange must be in the ledger.
          answered.push(String(response.headers["x-exchange-id"]));
        } catch {
          // Cut off by the kill: not answered.
        }
      }
    };
    // Warm up for a second (those answers count too), then load.
    const workers = Array.from({ length: CONNECTIONS }, (_, i) => worker(i));
    const startedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
    const elapsed = (Date.now() - startedAt) / 1000;
    child.kill('SIGKILL');
    await exited(child);
    killed = true;
    await Promise.all(workers);
    await pool.destroy();

    // Restart on the same directory: the spool and the journal are replayed into the ledger.
    child = start(dataDir, durability);
    await waitReady();
    for (const until = Date.now() + 60_000; waitingOnDisk(dataDir) > 0 && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 250));
    child.kill('SIGTERM');
    await exited(child);

    const sql = new PgliteSqlClient(embeddedStoreDir(dataDir));
    try {
      const rows = await sql.query<{ id: string }>('SELECT exchange_id::text AS id FROM traffic_record');
      const stored = new Set(rows.map((r) => r.id));
      const lost = answered.filter((id) => !stored.has(id)).length;
      return { answered: answered.length, answeredPerSec: Math.round(answered.length / elapsed), lost, duplicates: rows.length - stored.size, waitingOnDiskAfterRestart: waitingOnDisk(dataDir) };
    } finally {
      await sql.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  // Modes alternate run by run, so that whatever else loads the machine weighs on both alike.
  const runs: Record<string, RunResult[]> = Object.fromEntries(MODES.map((mode) => [mode, []]));
  for (let i = 0; i < RUNS; i++) {
    for (const mode of MODES) {
      const r = await run(mode);
      runs[mode].push(r);
      process.stdout.write(`${mode.padEnd(8)} run ${i + 1}: ${r.answered} answered (${r.answeredPerSec}/s), ${r.lost} lost, ${r.duplicates} doubled, ${r.waitingOnDiskAfterRestart} still on disk\n`);
    }
  }
  const results: Record<string, unknown> = {};
  for (const mode of MODES) {
    const sum = (k: keyof RunResult) => runs[mode].reduce((s, r) => s + r[k], 0);
    results[mode] = {
      runs: runs[mode],
      answered: sum('answered'),
      lost: sum('lost'),
      lostPerRunMax: Math.max(...runs[mode].map((r) => r.lost)),
      answeredPerSecMean: Math.round(sum('answeredPerSec') / runs[mode].length),
    };
  }
  const batched = results.batched as { answeredPerSecMean: number } | undefined;
  const sync = results.sync as { answeredPerSecMean: number } | undefined;
  writeResults({
    crashWindow: {
      ...runContext(),
      method: `SIGKILL after ${SECONDS} s of the inquiry mix from ${CONNECTIONS} connections, ${RUNS} runs per mode, alternating; restart on the same NIX_DATA_DIR, then count answered exchanges without a record`,
      ...results,
      syncThroughputVsBatched: batched && sync ? Math.round((sync.answeredPerSecMean / batched.answeredPerSecMean) * 100) / 100 : null,
    },
  });
  process.stdout.write('written to tests/bench/results.json\n');
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
