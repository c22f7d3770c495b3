/**
 * The inquiry benchmark: req/s, p50 and p99 at 1, 50 and 200 concurrent
 * connections, for the embedded default, Kafka mode (Kafka on this machine)
 * and a baseline that calls the adapters directly; plus how fast an open
 * circuit breaker refuses. A mix of all services, with agreement checks and
 * traffic recording on. Writes tests/bench/results.json.
 *
 *   npm run bench                      BENCH_SECONDS=10  BENCH_MODES=baseline,embedded,kafka,breaker
 *   KAFKA_BROKERS=host:port npm run bench   (otherwise a local KRaft broker is started)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { inquiryMix, type InquiryRequest } from './inquiry-mix';
import { runContext, writeResults } from './bench-results';

const ROOT = join(__dirname, '..', '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const LEVELS = (process.env.BENCH_LEVELS ?? '1,50,200').split(',').map(Number);
const MODES = (process.env.BENCH_MODES ?? 'baseline,embedded,kafka,breaker').split(',');
const PORT = 3900;

export const TARGETS = {
  embedded: { concurrency: 50, minReqPerSec: 10_000, maxP99Ms: 20, maxAddedP50Ms: 1 },
  kafka: { concurrency: 50, minReqPerSec: 3_000, maxP99Ms: 50, maxAddedP50Ms: 5 },
  breakerOpen: { maxP50Ms: 5 },
};

interface LevelResult {
  connections: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  requests: number;
  addedP50Ms?: number;
  throughputVsBaseline?: number;
}

function startProcess(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && code !== null) process.stderr.write(`server exited with ${code}\n`);
  });
  return child;
}

async function waitReady(path: string, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const response = await fetch(`http://127.0.0.1:${PORT}${path}`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`server not ready at ${path}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
  });
}

async function load(requests: InquiryRequest[], connections: number, seconds: number): Promise<LevelResult> {
  const result = await autocannon({
    url: `http://127.0.0.1:${PORT}`,
    connections,
    duration: seconds,
    requests,
    timeout: 10,
  });
  return {
    connections,
    reqPerSec: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  };
}

async function measure(mode: string, requests: InquiryRequest[]): Promise<Record<string, LevelResult>> {
  // Warm the JIT and the connections before measuring.
  await load(requests, 50, Math.min(5, SECONDS));
  const levels: Record<string, LevelResult> = {};
  for (const connections of LEVELS) {
    levels[connections] = await load(requests, connections, SECONDS);
    const r = levels[connections];
    process.stdout.write(`${mode.padEnd(9)} c=${String(connections).padEnd(4)} ${String(r.reqPerSec).padStart(6)} req/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  errors ${r.errors}\n`);
  }
  return levels;
}

async function withServer<T>(args: string[], env: Record<string, string>, readyPath: string, run: () => Promise<T>): Promise<T> {
  const child = startProcess(args, { PORT: String(PORT), HOST: '127.0.0.1', NIX_METRICS_PORT: '0', ...env });
  try {
    await waitReady(readyPath);
    return await run();
  } finally {
    await stop(child);
  }
}

async function main(): Promise<void> {
  const requests = inquiryMix();
  const context = runContext();
  const results: Record<string, unknown> = {};
  const nixEnv = (dataDir: string) => ({ NIX_DATA_DIR: dataDir, NIX_LOG_LEVEL: 'warn', NODE_ENV: 'development' });
  let baseline: Record<string, LevelResult> | undefined;

  if (MODES.includes('baseline')) {
    baseline = await withServer(['-r', './tests/bench/register.js', 'tests/bench/baseline-server.ts'], {}, '/ready', () => measure('baseline', requests));
    results.baseline = { ...context, levels: baseline };
  }

  for (const mode of ['embedded', 'kafka'].filter((m) => MODES.includes(m))) {
    const dataDir = mkdtempSync(join(tmpdir(), `nix-bench-${mode}-`));
    let kafka: { brokers: string; destroy(): Promise<void> } | undefined;
    try {
      const env: Record<string, string> = nixEnv(dataDir);
      if (mode === 'kafka') {
        if (process.env.KAFKA_BROKERS) kafka = { brokers: process.env.KAFKA_BROKERS, destroy: async () => undefined };
        else {
          const { ensureJars, startLocalKafka } = await import('../../deploy/kafka/local-kafka');
          await ensureJars();
          const local = await startLocalKafka({ serverProperties: { 'num.partitions': 6 } });
          kafka = { brokers: local.brokers, destroy: () => local.destroy() };
        }
        Object.assign(env, { NIX_TRANSPORT: 'kafka', KAFKA_BROKERS: kafka.brokers, NIX_KAFKA_TOPIC_PREFIX: `bench${Date.now()}`, NIX_INSTANCE_ID: 'bench' });
      }
      const levels = await withServer(['dist/apps/nix/src/main.js'], env, '/health/ready', () => measure(mode, requests));
      if (baseline) {
        for (const [connections, r] of Object.entries(levels)) {
          const base = baseline[connections];
          if (!base) continue;
          r.addedP50Ms = Math.round((r.p50Ms - base.p50Ms) * 100) / 100;
          r.throughputVsBaseline = Math.round((r.reqPerSec / base.reqPerSec) * 100) / 100;
        }
      }
      const target = TARGETS[mode as 'embedded' | 'kafka'];
      const atTarget = levels[target.concurrency];
      results[mode] = {
        ...context,
        target,
        meetsTarget: atTarget
          ? atTarget.reqPerSec >= target.minReqPerSec && atTarget.p99Ms <= target.maxP99Ms && (atTarget.addedP50Ms ?? 0) <= target.maxAddedP50Ms && atTarget.errors === 0
          : null,
        levels,
      };
    } finally {
      await kafka?.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  if (MODES.includes('breaker')) {
    // The goods registry has no adapter: its breaker opens after the first failures, and stays open.
    const dataDir = mkdtempSync(join(tmpdir(), 'nix-bench-breaker-'));
    const goods = requests.filter((r) => r.path.endsWith('/goods/goods'));
    const env = { ...nixEnv(dataDir), NIX_ADAPTER_REGISTRIES: 'identity,legal-entity,address,vehicle', NIX_BREAKER_RESET_MS: '60000' };
    const [single, busy] = await withServer(['dist/apps/nix/src/main.js'], env, '/health/ready', async () => {
      await load(goods, 10, 2);
      return [await load(goods, 1, SECONDS), await load(goods, 50, SECONDS)];
    });
    process.stdout.write(`breaker open: one caller p50 ${single.p50Ms} ms p99 ${single.p99Ms} ms; 50 callers p50 ${busy.p50Ms} ms p99 ${busy.p99Ms} ms (${busy.reqPerSec} refusals/s)\n`);
    results.breakerOpen = {
      ...context,
      target: TARGETS.breakerOpen,
      meetsTarget: single.p50Ms <= TARGETS.breakerOpen.maxP50Ms,
      oneCaller: { p50Ms: single.p50Ms, p99Ms: single.p99Ms, refusalsPerSec: single.reqPerSec },
      fiftyCallers: { p50Ms: busy.p50Ms, p99Ms: busy.p99Ms, refusalsPerSec: busy.reqPerSec },
      errorsAreExpected: 'every answer is the 503 refusal being measured',
    };
    rmSync(dataDir, { recursive: true, force: true });
  }

  writeResults(results);
  process.stdout.write('written to tests/bench/results.json\n');
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
