import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { request } from 'undici';
import { loadConfig, type NixConfig } from '@nix/config';
import type { Clock } from '@nix/domain';
import { TRAFFIC_SINK, type TrafficSink } from '@nix/ledger';
import { LEDGER_STORE } from '@nix/platform';
import { ExchangeRecorder } from '@nix/broker';
import { createLogger } from '@nix/observability';
import { createNixApp, type NixApp, type NixRole } from '@nix/runtime';

export interface TestResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  json: any;
}

export interface TestApp extends NixApp {
  url: string;
  config: NixConfig;
  /** Every log line the app wrote, parsed. */
  logLines: string[];
  call(method: string, path: string, options?: { headers?: Record<string, string>; body?: unknown; raw?: string }): Promise<TestResponse>;
  inquire(registry: string, service: string, body: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  /** The metrics listener's base URL (its own port, never the API's). */
  metricsUrl: string;
  /** GET /metrics from the metrics listener: the Prometheus text. */
  scrapeMetrics(): Promise<string>;
  /** Waits until every traffic record so far is in the ledger. */
  flushLedger(): Promise<void>;
  close(): Promise<void>;
}

export const DEMO_HEADERS = { authorization: 'Bearer demo-key', 'x-purpose': 'demo' };

/** Starts the embedded default on a free port, logging into memory. */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { sink?: TrafficSink; roles?: NixRole[]; registries?: string[]; clock?: Clock } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nix-data-'));
  // Synthetic probes are off unless a test turns them on (NIX_PROBES=true): their traffic would change what other suites count.
  // So is shedding by queueing delay (NIX_ADMISSION_TARGET_MS): on a busy machine a burst of a test's own inquiries
  // could outlast a turn's target and be shed; tests/e2e/overload.e2e.ts turns it on.
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', NIX_METRICS_PORT: '0', NIX_LOG_LEVEL: 'info', NIX_DATA_DIR: dataDir, NIX_PROBES: 'false', NIX_ADMISSION_TARGET_MS: '0', ...env });
  const logLines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      callback();
    },
  });
  const logger = createLogger({ level: config.log.level, instanceId: config.instanceId, destination });
  const nix = await createNixApp(config, { logger, sink: options.sink, roles: options.roles, registries: options.registries, clock: options.clock });
  await nix.app.listen({ port: 0, host: '127.0.0.1' });
  const url = await nix.app.getUrl();
  const base = url.replace('[::1]', '127.0.0.1');
  const metricsUrl = await nix.metricsListener.listen();
  const call: TestApp['call'] = async (method, path, opts = {}) => {
    const hasBody = opts.body !== undefined || opts.raw !== undefined;
    const response = await request(base + path, {
      method: method as 'GET',
      headers: { ...(hasBody && opts.raw === undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      body: opts.raw ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
    });
    const text = await response.body.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.statusCode, headers: response.headers as Record<string, string>, text, json };
  };
  return {
    ...nix,
    url: base,
    metricsUrl,
    scrapeMetrics: async () => {
      const response = await request(`${metricsUrl}/metrics`);
      const text = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`GET ${metricsUrl}/metrics answered ${response.statusCode}: ${text.slice(0, 200)}`);
      return text;
    },
    config,
    logLines,
    call,
    inquire: (registry, service, body, headers = DEMO_HEADERS) => call('POST', `/v1/inquiries/${registry}/${service}`, { headers, body }),
    flushLedger: async () => {
      // The answer can reach the test before the broker has recorded its exchange.
      await nix.app.get(ExchangeRecorder, { strict: false }).drain(5000);
      await nix.app.get(LEDGER_STORE, { strict: false }).ready;
      await nix.app.get(TRAFFIC_SINK, { strict: false })?.flush();
    },
    close: () => nix.app.close(),
  };
}

/** The system's time moved by an offset the test sets (e.g. past a sunset), for the whole app. */
export class MovableClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
}
