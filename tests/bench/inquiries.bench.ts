/**
 * The inquiry benchmark (issue 15): the embedded default, the same without its
 * ledger (a measurement only), Kafka mode (Kafka on this machine) and a
 * baseline that calls the adapters directly behind bare node:http; plus how
 * fast an open circuit breaker refuses. A mix of all services, agreements
 * checked, every exchange recorded and every answer signed.
 *
 * The load generator is wrk (C, one thread). Each server first runs pinned to
 * core 0 with wrk pinned to core 1: a warm-up (the JIT on one core needs it),
 * then the one-core figures. Then the server may use both cores, and wrk runs
 * unpinned beside it: the two-core figures. For each run the server process's
 * CPU time (every thread, /proc/<pid>/stat) divided by the answers is its CPU µs
 * per inquiry, the figure that travels between machines. Writes
 * tests/bench/results.json and prints the README's Benchmarks rows.
 *
 *   npm run bench     BENCH_SECONDS=10 BENCH_WARMUP_SECONDS=15 BENCH_MODES=baseline,embedded,sink,kafka,breaker
 *                     BENCH_LEVELS=1,50,200 (two cores)  BENCH_ONE_CORE_LEVELS=50,200
 *   KAFKA_BROKERS=host:port npm run bench   (otherwise a local KRaft broker is started)
 *   BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" npm run bench   (profiles the server)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { inquiryMix } from './inquiry-mix';
import { runContext, writeResults } from './bench-results';
import { processCpuUs, runWrk, writeWrkScript, type WrkResult } from './wrk-load';
import { benchKafka, type BenchKafka } from './bench-kafka';
import { nixNodeFlags, nixStartArgs } from './nix-start';

const ROOT = join(__dirname, '..', '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 15);
const LEVELS = (process.env.BENCH_LEVELS ?? '1,50,200').split(',').map(Number);
const ONE_CORE_LEVELS = (process.env.BENCH_ONE_CORE_LEVELS ?? '50,200').split(',').map(Number);
const MODES = (process.env.BENCH_MODES ?? 'baseline,embedded,sink,kafka,breaker').split(',');
/** Extra node options for the server, e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it. */
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
const PORT = 3900;
const URL_BASE = `http://127.0.0.1:${PORT}`;
/** The server's core and the load generator's, for the one-core figures. */
const SERVER_CPU = '0';
const LOAD_CPU = '1';
const ALL_CPUS = `0-${cpus().length - 1}`;

/** Issue 15's "done when". */
export const TARGETS = {
  embedded: { oneCoreVsBaselineAt50: 0.35, twoCoreMaxP99MsAt50: 20 },
  kafka: { twoCoreVsBaselineAt50: 0.2, twoCoreMaxP99MsAt50: 50 },
  at200: { timeouts: 0, acceptedMaxP99Ms: 100 },
  breakerOpen: { maxP50Ms: 5 },
};

interface LevelResult extends WrkResult {
  /** 2xx answers, and per second. */
  ok: number;
  okPerSec: number;
  /** 503 overloaded answers: load shed past NIX_MAX_IN_FLIGHT. */
  shed: number;
  /** Answers that are neither 2xx nor shed, and requests without an answer. */
  errors: number;
  /** CPU time of the server process (all its threads) per answer. */
  cpuUsPerInquiry: number;
  /** Of the Kafka JVM, in Kafka mode. */
  kafkaCpuUsPerInquiry?: number;
  throughputVsBaseline?: number;
  /** At c=200: the p99 of accepted (200) answers, as the upper bound of its histogram bucket. */
  acceptedP99AtMostMs?: number;
}

interface ModeResult {
  oneCore: Record<string, LevelResult>;
  twoCores: Record<string, LevelResult>;
}

function startServer(args: string[], env: Record<string, string>): ChildProcess {
  // taskset execs node: the child's pid is the server's.
  const child = spawn('taskset', ['-c', SERVER_CPU, process.execPath, ...SERVER_NODE_ARGS, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && code !== null) process.stderr.write(`server exited with ${code}\n`);
  });
  return child;
}

/** Moves every thread of a process (the PGlite worker's too) onto the given cores. */
function pin(pid: number, cores: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
}

async function waitReady(path: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const response = await fetch(`${URL_BASE}${path}`);
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

interface Load {
  script: string;
  /** The same mix with latency by status, for the c=200 levels (accepted answers' p99 apart from the shed ones'). */
  byStatusScript?: string;
  serverPid: number;
  kafkaPid?: number;
}

async function level(load: Load, connections: number, seconds: number, cpus?: string): Promise<LevelResult> {
  const cpuBefore = processCpuUs(load.serverPid);
  const kafkaBefore = load.kafkaPid ? processCpuUs(load.kafkaPid) : 0;
  const script = connections >= 200 && load.byStatusScript ? load.byStatusScript : load.script;
  const result = await runWrk({ url: URL_BASE, script, connections, seconds, cpus });
  const cpuUs = processCpuUs(load.serverPid) - cpuBefore;
  const kafkaUs = load.kafkaPid ? processCpuUs(load.kafkaPid) - kafkaBefore : 0;
  const ok = Object.entries(result.statuses).reduce((n, [status, count]) => (status.startsWith('2') ? n + count : n), 0);
  const shed = result.statuses['503'] ?? 0;
  const answers = Math.max(result.requests, 1);
  return {
    ...result,
    ok,
    okPerSec: Math.round((ok / Math.max(result.requests, 1)) * result.reqPerSec),
    shed,
    errors: result.requests - ok - shed + result.timeouts + result.socketErrors,
    cpuUsPerInquiry: Math.round(cpuUs / answers),
    ...(load.kafkaPid ? { kafkaCpuUsPerInquiry: Math.round(kafkaUs / answers) } : {}),
    ...(result.byStatus?.['200'] ? { acceptedP99AtMostMs: result.byStatus['200'].p99AtMostMs } : {}),
  };
}

function print(mode: string, cores: string, r: LevelResult): void {
  const extra = [r.acceptedP99AtMostMs !== undefined ? `accepted p99 ≤ ${r.acceptedP99AtMostMs} ms` : '', r.shed ? `shed ${r.shed}` : '', r.errors ? `errors ${r.errors}` : '', r.timeouts ? `timeouts ${r.timeouts}` : '', r.kafkaCpuUsPerInquiry !== undefined ? `Kafka JVM ${r.kafkaCpuUsPerInquiry} µs/inq` : '']
    .filter(Boolean)
    .join('  ');
  process.stdout.write(
    `${mode.padEnd(9)} ${cores} c=${String(r.connections).padEnd(4)} ${String(r.okPerSec).padStart(6)} ok/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  ${r.cpuUsPerInquiry} µs CPU/inquiry  ${extra}\n`,
  );
}

/**
 * Warm-up and the one-core figures with the server pinned to core 0 and wrk to core 1, then the two-core figures.
 * Kafka mode has no one-core figures: its broker JVM shares the cores.
 */
async function measure(mode: string, load: Load, oneCore: boolean): Promise<ModeResult> {
  const result: ModeResult = { oneCore: {}, twoCores: {} };
  if (oneCore) {
    await runWrk({ url: URL_BASE, script: load.script, connections: 50, seconds: WARMUP_SECONDS, cpus: LOAD_CPU });
    for (const connections of ONE_CORE_LEVELS) {
      const r = (result.oneCore[connections] = await level(load, connections, SECONDS, LOAD_CPU));
      print(mode, '1 core ', r);
    }
  }
  pin(load.serverPid, ALL_CPUS);
  await runWrk({ url: URL_BASE, script: load.script, connections: 50, seconds: oneCore ? 3 : WARMUP_SECONDS });
  for (const connections of LEVELS) {
    const r = (result.twoCores[connections] = await level(load, connections, SECONDS));
    print(mode, '2 cores', r);
  }
  return result;
}

async function withServer<T>(args: string[], env: Record<string, string>, readyPath: string, run: (pid: number) => Promise<T>): Promise<T> {
  const child = startServer(args, { PORT: String(PORT), HOST: '127.0.0.1', NIX_METRICS_PORT: '0', ...env });
  try {
    await waitReady(readyPath);
    return await run(child.pid!);
  } finally {
    await stop(child);
  }
}

function ratios(levels: Record<string, LevelResult>, baseline: Record<string, LevelResult> | undefined): void {
  for (const [connections, r] of Object.entries(levels)) {
    const base = baseline?.[connections];
    if (base) r.throughputVsBaseline = Math.round((r.okPerSec / base.okPerSec) * 100) / 100;
  }
}

const HARNESS = {
  loadGenerator: 'wrk 4.1 (one thread), the inquiry mix in a Lua script',
  oneCore: `server pinned to core ${SERVER_CPU} (every thread), wrk pinned to core ${LOAD_CPU}, after ${WARMUP_SECONDS} s of warm-up at c=50`,
  twoCores: 'server and wrk unpinned on the same two cores',
  seconds: SECONDS,
  cpuUsPerInquiry: "the server process's user + system CPU time (all threads, /proc/<pid>/stat) over the run, divided by its answers",
};

async function main(): Promise<void> {
  const requests = inquiryMix();
  const script = writeWrkScript(requests);
  const byStatusScript = writeWrkScript(requests, { byStatus: true });
  const context = runContext();
  const results: Record<string, unknown> = {};
  const nixEnv = (dataDir: string) => ({ NIX_DATA_DIR: dataDir, NIX_LOG_LEVEL: 'warn', NODE_ENV: 'development' });
  let baseline: ModeResult | undefined;
  const measured: Record<string, ModeResult> = {};

  if (MODES.includes('baseline')) {
    baseline = await withServer(['-r', './tests/bench/register.js', 'tests/bench/baseline-server.ts'], {}, '/ready', (pid) => measure('baseline', { script, serverPid: pid }, true));
    results.baseline = { ...context, harness: HARNESS, ...baseline };
    measured.baseline = baseline;
  }

  for (const mode of ['embedded', 'sink', 'kafka'].filter((m) => MODES.includes(m))) {
    const dataDir = mkdtempSync(join(tmpdir(), `nix-bench-${mode}-`));
    let kafka: BenchKafka | undefined;
    try {
      const env: Record<string, string> = nixEnv(dataDir);
      if (mode === 'kafka') {
        kafka = await benchKafka();
        Object.assign(env, { NIX_TRANSPORT: 'kafka', KAFKA_BROKERS: kafka.brokers, NIX_KAFKA_TOPIC_PREFIX: `bench${Date.now()}`, NIX_INSTANCE_ID: 'bench' });
      }
      const args = mode === 'sink' ? [...nixNodeFlags(), '-r', './tests/bench/register.js', 'tests/bench/sink-server.ts'] : nixStartArgs();
      const levels = await withServer(args, env, '/health/ready', (pid) => measure(mode, { script, byStatusScript, serverPid: pid, kafkaPid: kafka?.pid }, mode !== 'kafka'));
      ratios(levels.oneCore, baseline?.oneCore);
      ratios(levels.twoCores, baseline?.twoCores);
      measured[mode] = levels;
      const key = mode === 'sink' ? 'embeddedWithoutLedger' : mode;
      results[key] = {
        ...context,
        harness: HARNESS,
        ...(mode === 'sink' ? { note: 'a measurement only: the embedded default with a sink that drops every traffic record' } : {}),
        ...(mode === 'sink' ? {} : { target: mode === 'kafka' ? TARGETS.kafka : TARGETS.embedded, meetsTarget: meetsTarget(mode, levels) }),
        ...levels,
      };
    } finally {
      await kafka?.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  if (MODES.includes('breaker')) {
    // The goods registry has no adapter: its breaker opens after the first failures, and stays open.
    const dataDir = mkdtempSync(join(tmpdir(), 'nix-bench-breaker-'));
    const goods = writeWrkScript(requests.filter((r) => r.path.endsWith('/goods/goods')));
    const env = { ...nixEnv(dataDir), NIX_ADAPTER_REGISTRIES: 'identity,legal-entity,address,vehicle', NIX_BREAKER_RESET_MS: '60000' };
    const [single, busy] = await withServer(nixStartArgs(), env, '/health/ready', async (pid) => {
      pin(pid, ALL_CPUS);
      await runWrk({ url: URL_BASE, script: goods, connections: 10, seconds: 3 });
      return [await level({ script: goods, serverPid: pid }, 1, SECONDS), await level({ script: goods, serverPid: pid }, 50, SECONDS)];
    });
    process.stdout.write(`breaker open: one caller p50 ${single.p50Ms} ms p99 ${single.p99Ms} ms; 50 callers p50 ${busy.p50Ms} ms p99 ${busy.p99Ms} ms (${busy.reqPerSec} refusals/s)\n`);
    results.breakerOpen = {
      ...context,
      target: TARGETS.breakerOpen,
      meetsTarget: single.p50Ms <= TARGETS.breakerOpen.maxP50Ms,
      oneCaller: { p50Ms: single.p50Ms, p99Ms: single.p99Ms, refusalsPerSec: single.reqPerSec, cpuUsPerRefusal: single.cpuUsPerInquiry },
      fiftyCallers: { p50Ms: busy.p50Ms, p99Ms: busy.p99Ms, refusalsPerSec: busy.reqPerSec, cpuUsPerRefusal: busy.cpuUsPerInquiry },
      errorsAreExpected: 'every answer is the 503 refusal being measured',
    };
    rmSync(dataDir, { recursive: true, force: true });
  }

  writeResults(results);
  process.stdout.write('written to tests/bench/results.json\n\n');
  process.stdout.write(readmeTable(measured));
}

function meetsTarget(mode: string, levels: ModeResult): boolean | null {
  const at50 = levels.twoCores[50];
  const at200 = levels.twoCores[200];
  if (!at50) return null;
  const noTimeouts = !at200 || (at200.timeouts === 0 && at200.errors === 0 && (at200.acceptedP99AtMostMs ?? Infinity) <= TARGETS.at200.acceptedMaxP99Ms);
  if (mode === 'kafka') {
    return (at50.throughputVsBaseline ?? 0) >= TARGETS.kafka.twoCoreVsBaselineAt50 && at50.p99Ms <= TARGETS.kafka.twoCoreMaxP99MsAt50 && noTimeouts;
  }
  const one = levels.oneCore[50];
  return !!one && (one.throughputVsBaseline ?? 0) >= TARGETS.embedded.oneCoreVsBaselineAt50 && at50.p99Ms <= TARGETS.embedded.twoCoreMaxP99MsAt50 && noTimeouts;
}

/** The README's inquiry rows, from this run's figures. */
function readmeTable(measured: Record<string, ModeResult>): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  const cell = (r: LevelResult | undefined) =>
    r
      ? `${fmt(r.okPerSec)}/s${r.throughputVsBaseline !== undefined ? ` (${r.throughputVsBaseline})` : ''}, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, **${r.cpuUsPerInquiry} µs**` +
        (r.kafkaCpuUsPerInquiry !== undefined ? ` + Kafka ${r.kafkaCpuUsPerInquiry} µs` : '') +
        (r.shed ? `, ${fmt(r.shed)} shed` : '') +
        (r.acceptedP99AtMostMs !== undefined ? `, accepted p99 ≤ ${r.acceptedP99AtMostMs} ms` : '') +
        (r.timeouts ? `, **${r.timeouts} timeouts**` : r.connections >= 200 ? ', 0 timeouts' : '') +
        (r.errors ? `, ${r.errors} errors` : '')
      : '–';
  const names: Record<string, string> = {
    baseline: 'baseline: the adapters behind bare `node:http`',
    embedded: 'embedded default',
    sink: 'embedded, ledger replaced by a dropping sink (a measurement only)',
    kafka: 'Kafka mode (Kafka JVM on the same cores)',
  };
  const lines = [
    '| run | 1 core, c=50 | 1 core, c=200 | 2 cores, c=1 | 2 cores, c=50 | 2 cores, c=200 |',
    '|---|---|---|---|---|---|',
  ];
  for (const [mode, r] of Object.entries(measured)) {
    lines.push(`| ${names[mode] ?? mode} | ${cell(r.oneCore[50])} | ${cell(r.oneCore[200])} | ${cell(r.twoCores[1])} | ${cell(r.twoCores[50])} | ${cell(r.twoCores[200])} |`);
  }
  return `${lines.join('\n')}\n\nEach cell: answered inquiries/s (ratio to the baseline in the same column), latency, **server CPU µs per inquiry**.\n`;
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
