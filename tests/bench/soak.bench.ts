/**
 * The soak at the national pattern (issue 15): 270 inquiries a second on
 * average for 10 minutes, with peaks of 5× (1,350/s for 6 s of every minute,
 * 150/s the rest), sent open-loop (at fixed times, whatever the answers do),
 * in embedded and in Kafka mode. It reports, per mode:
 *   - the ledger count against the inquiries sent (they must be equal);
 *   - RSS after the warm-up (the first 2 minutes) and at the end: growth < 10 %;
 *   - the event-loop delay p99 of each 5 s scrape after the warm-up: < 20 ms. prom-client's figure is the time
 *     between its samples, which includes its 10 ms sampling interval (an idle loop shows about 10 ms): the delay
 *     is that figure minus the interval, and both are reported.
 * A script with figures, not a timed test. Writes "soak" in tests/bench/results.json.
 *
 *   npm run bench:soak      SOAK_SECONDS=600 SOAK_MODES=embedded,kafka SOAK_RATE=270 SOAK_PEAK=5
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { embeddedStoreDir, PgliteSqlClient } from '@nix/ledger';
import { inquiryMix } from './inquiry-mix';
import { runContext, writeResults } from './bench-results';
import { benchKafka, type BenchKafka } from './bench-kafka';
import { PROBE_AGENCY } from '@nix/domain';
import { EVENT_LOOP_SAMPLING_MS } from '@nix/observability';
import { nixStartArgs } from './nix-start';

const ROOT = join(__dirname, '..', '..');
const SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
const MODES = (process.env.SOAK_MODES ?? 'embedded,kafka').split(',');
const RATE = Number(process.env.SOAK_RATE ?? 270);
const PEAK = Number(process.env.SOAK_PEAK ?? 5);
/** Each minute: PEAK_SECONDS at PEAK × RATE, the rest at the rate that keeps the average at RATE. */
const PEAK_SECONDS = 6;
const BASE_RATE = (RATE * 60 - PEAK * RATE * PEAK_SECONDS) / (60 - PEAK_SECONDS);
const WARMUP_SECONDS = Math.min(120, SECONDS / 5);
const SCRAPE_MS = 5000;
const PORT = 3920;
const METRICS_PORT = 3921;

export const SOAK_TARGETS = { rssGrowthPercent: 10, eventLoopP99Ms: 20 };

function rateAt(second: number): number {
  return second % 60 < PEAK_SECONDS ? PEAK * RATE : BASE_RATE;
}

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

async function waitFor(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await probe().catch(() => false)) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

async function scrape(): Promise<Map<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${METRICS_PORT}/metrics`)).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line) continue;
    const space = line.lastIndexOf(' ');
    const name = line.slice(0, space);
    values.set(name, (values.get(name) ?? 0) + Number(line.slice(space + 1)));
  }
  return values;
}

/** A counter's total over all its label sets. */
function total(metrics: Map<string, number>, name: string): number {
  let sum = 0;
  for (const [key, value] of metrics) if (key === name || key.startsWith(`${name}{`)) sum += value;
  return sum;
}

function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const mib = (bytes: number) => round(bytes / 2 ** 20);
const range = (bytes: number[]) => ({ min: mib(Math.min(...bytes)), max: mib(Math.max(...bytes)) });

async function soak(mode: string, env: Record<string, string>, dataDir: string): Promise<Record<string, unknown>> {
  const child: ChildProcess = spawn(process.execPath, nixStartArgs(), {
    cwd: ROOT,
    env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', NIX_METRICS_PORT: String(METRICS_PORT), NIX_DATA_DIR: dataDir, NIX_LOG_LEVEL: 'warn', NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    if (!(await waitFor(async () => (await fetch(`http://127.0.0.1:${PORT}/health/ready`)).ok, 120_000))) throw new Error(`${mode}: not ready`);
    const requests = inquiryMix();
    const pool = new Pool(`http://127.0.0.1:${PORT}`, { connections: 128, pipelining: 1 });
    let sent = 0;
    let answered = 0;
    let failed = 0;
    const statuses: Record<string, number> = {};
    const samples: { second: number; rss: number; heapTotal: number; heapUsed: number; external: number; sampledP99Ms: number }[] = [];
    const started = performance.now();
    const scraper = setInterval(() => {
      void scrape().then((metrics) => {
        samples.push({
          second: (performance.now() - started) / 1000,
          rss: rssOf(child.pid!),
          heapTotal: total(metrics, 'nix_nodejs_heap_size_total_bytes'),
          heapUsed: total(metrics, 'nix_nodejs_heap_size_used_bytes'),
          external: total(metrics, 'nix_nodejs_external_memory_bytes'),
          sampledP99Ms: total(metrics, 'nix_nodejs_eventloop_lag_p99_seconds') * 1000,
        });
      }, () => undefined);
    }, SCRAPE_MS);
    const inFlight = new Set<Promise<void>>();
    // Open loop: each request has its time; the sender catches up if a tick is late, never waits for answers.
    let next = 0;
    let lastProgress = 0;
    while (true) {
      const elapsed = (performance.now() - started) / 1000;
      if (elapsed >= SECONDS) break;
      const due = Math.floor(expectedBy(elapsed));
      while (next < due) {
        const request = requests[next % requests.length];
        next++;
        sent++;
        const call = pool
          .request({ method: 'POST', path: request.path, headers: request.headers, body: request.body, headersTimeout: 30_000, bodyTimeout: 30_000 })
          .then(async (response) => {
            await response.body.dump();
            statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
            answered++;
          })
          .catch(() => {
            failed++;
          });
        inFlight.add(call);
        void call.finally(() => inFlight.delete(call));
      }
      if (elapsed - lastProgress >= 60) {
        lastProgress = elapsed;
        const memory = samples.at(-1);
        log(
          `${mode}: ${Math.round(elapsed)} s, ${sent} sent, ${answered} answered, RSS ${mib(rssOf(child.pid!))} MiB` +
            (memory ? `, V8 heap ${mib(memory.heapUsed)} of ${mib(memory.heapTotal)} MiB, external ${mib(memory.external)} MiB` : ''),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(inFlight);
    clearInterval(scraper);
    await pool.close();

    // Every answered inquiry reaches the ledger: wait for the writer, then count the rows after a clean stop.
    // In Kafka mode the counter counts each record twice: published to the traffic topic, then written by the recorder.
    const writesPerRecord = mode === 'kafka' ? 2 : 1;
    await waitFor(async () => total(await scrape(), 'nix_ledger_records_written_total') >= writesPerRecord * sent, 120_000);
    const written = total(await scrape(), 'nix_ledger_records_written_total');
    child.kill('SIGTERM');
    await exited;
    const sql = new PgliteSqlClient(embeddedStoreDir(dataDir));
    let ledgerCount = -1;
    try {
      ledgerCount = (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM traffic_record WHERE consumer IS DISTINCT FROM '${PROBE_AGENCY.id}'`))[0].n;
    } finally {
      await sql.close();
    }

    const afterWarmup = samples.filter((s) => s.second >= WARMUP_SECONDS);
    const warm = afterWarmup.slice(0, Math.max(1, Math.round(60_000 / SCRAPE_MS)));
    const last = afterWarmup.slice(-Math.max(1, Math.round(60_000 / SCRAPE_MS)));
    const rssWarm = median(warm.map((s) => s.rss));
    const rssEnd = median(last.map((s) => s.rss));
    const sampled = afterWarmup.map((s) => s.sampledP99Ms);
    const loop = sampled.map((ms) => Math.max(0, ms - EVENT_LOOP_SAMPLING_MS));
    const result = {
      seconds: SECONDS,
      pattern: { averagePerSec: RATE, peakPerSec: PEAK * RATE, peakSecondsPerMinute: PEAK_SECONDS, basePerSec: round(BASE_RATE) },
      sent,
      answered,
      failed,
      statuses,
      ledgerRecordsWritten: written,
      ledgerCount,
      ledgerCountEqualsSent: ledgerCount === sent,
      rssMiB: { afterWarmup: mib(rssWarm), end: mib(rssEnd), growthPercent: round(((rssEnd - rssWarm) / rssWarm) * 100) },
      /** Over every scrape after the warm-up: a sawtooth (a heap that grows until a full collection) shows here, a leak in rising floors. */
      memoryRangeMiB: {
        rss: range(afterWarmup.map((s) => s.rss)),
        rssFloorFirstMinute: mib(Math.min(...warm.map((s) => s.rss))),
        rssFloorLastMinute: mib(Math.min(...last.map((s) => s.rss))),
        v8HeapTotal: range(afterWarmup.map((s) => s.heapTotal)),
        v8HeapUsed: range(afterWarmup.map((s) => s.heapUsed)),
        external: range(afterWarmup.map((s) => s.external)),
      },
      eventLoopDelayP99Ms: { medianOfScrapes: round(median(loop), 2), maxOfScrapes: round(Math.max(...loop, 0), 2), scrapes: loop.length },
      /** prom-client's own figure (nix_nodejs_eventloop_lag_p99_seconds): the delay plus its sampling interval. */
      sampledEventLoopP99Ms: { samplingIntervalMs: EVENT_LOOP_SAMPLING_MS, medianOfScrapes: round(median(sampled), 2), maxOfScrapes: round(Math.max(...sampled, 0), 2) },
    };
    log(`${mode}: ${JSON.stringify(result)}`);
    return {
      ...result,
      meetsTarget: result.ledgerCountEqualsSent && result.rssMiB.growthPercent < SOAK_TARGETS.rssGrowthPercent && result.eventLoopDelayP99Ms.maxOfScrapes < SOAK_TARGETS.eventLoopP99Ms,
    };
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  }
}

/** Inquiries due by `elapsed` seconds under the pattern. */
function expectedBy(elapsed: number): number {
  let due = 0;
  const whole = Math.floor(elapsed);
  // Whole minutes at once, then the seconds of the current minute.
  const minutes = Math.floor(whole / 60);
  due += minutes * RATE * 60;
  for (let s = minutes * 60; s < whole; s++) due += rateAt(s);
  return due + (elapsed - whole) * rateAt(whole);
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = { ...runContext(), targets: SOAK_TARGETS };
  for (const mode of MODES) {
    const dataDir = mkdtempSync(join(tmpdir(), `nix-soak-${mode}-`));
    let kafka: BenchKafka | undefined;
    try {
      // No synthetic probes: the ledger then holds exactly the soak's exchanges (the probes' are counted apart below anyway).
      const env: Record<string, string> = { NIX_PROBES: 'false' };
      if (mode === 'kafka') {
        kafka = await benchKafka();
        Object.assign(env, { NIX_TRANSPORT: 'kafka', KAFKA_BROKERS: kafka.brokers, NIX_KAFKA_TOPIC_PREFIX: `soak${Date.now()}`, NIX_INSTANCE_ID: 'soak' });
      }
      log(`${mode}: ${SECONDS} s at ${RATE}/s on average, ${PEAK * RATE}/s for ${PEAK_SECONDS} s of every minute`);
      results[mode] = await soak(mode, env, dataDir);
      // Written after each mode, so that a long run keeps what it has measured.
      writeResults({ soak: results });
    } finally {
      await kafka?.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  writeResults({ soak: results });
  log('written under "soak" in tests/bench/results.json');
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
