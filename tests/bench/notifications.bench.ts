/**
 * The notification benchmark (issue 14), on PostgreSQL:
 *  1. Subscriptions stored per second: one agency subscribes BENCH_SUBSCRIPTIONS persons (1,000,000 by default) in
 *     calls of 10,000, as PUT /v1/subscriptions does (HMAC pseudonyms, one multi-row statement per call).
 *  2. Events matched per second: the custodian publishes BENCH_EVENTS events (50,000 by default, a busy day's worth)
 *     in batches of 1,000 against those million subscriptions, 1 in 10 of a subscribed person (matched, sealed, queued).
 *  3. Delivery latency under load: BENCH_DELIVERIES events for persons subscribed by an agency with a webhook on
 *     loopback, published at once; latency from publication to the webhook's receipt, p50 and p99.
 *
 *   npm run bench:notifications      (DATABASE_URL to use your own server)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { v7 } from 'uuid';
import { migrate, PgSqlClient } from '@nix/ledger';
import { NotificationCenter, NotificationSealer, NotificationStore, SubscriptionPseudonyms } from '@nix/notifications';
import { nationalIdCheckDigit } from '@nix/domain';
import { createDatabase, startLocalPostgres, type LocalPostgres } from '../support/local-postgres';
import { runContext, writeResults } from './bench-results';

const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 2_000);
const SUBSCRIPTION_BATCH = 10_000;
const EVENT_BATCH = 1_000;

const log = (line: string) => process.stdout.write(`${line}\n`);
const clock = { now: () => Date.now() };
const ids = { next: () => v7() };

/** The i-th synthetic national ID (valid check digit). */
function nationalId(i: number): string {
  const nine = String(100_000_000 + i).padStart(9, '0').slice(-9);
  return nine + String(nationalIdCheckDigit(nine));
}

function percentile(sorted: number[], p: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10;
}

async function main(): Promise<void> {
  let postgres: LocalPostgres | undefined;
  const received: number[] = [];
  const hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(Date.now());
      res.statusCode = 204;
      res.end();
    });
  });
  try {
    const url = process.env.DATABASE_URL ?? (postgres = await startLocalPostgres()).url;
    const sql = new PgSqlClient(await createDatabase(url, 'nix_bench_notifications'), 8);
    await migrate(sql);
    const store = new NotificationStore(sql);
    const center = new NotificationCenter(
      store,
      new SubscriptionPseudonyms('bench-subscription-key-0123456789'),
      new NotificationSealer([{ id: 'bench', key: Buffer.alloc(32, 5) }]),
      clock,
      ids,
      {
        rules: { httpsOnly: false, allowPrivate: true },
        resolve: async () => ['127.0.0.1'],
        post: async (target, headers, body) => {
          const response = await request(target, { method: 'POST', headers, body });
          await response.body.dump();
          return response.statusCode;
        },
      },
    );

    // 1. Subscriptions.
    let started = performance.now();
    for (let from = 0; from < SUBSCRIPTIONS; from += SUBSCRIPTION_BATCH) {
      const batch = Array.from({ length: Math.min(SUBSCRIPTION_BATCH, SUBSCRIPTIONS - from) }, (_, i) => nationalId(from + i));
      await center.subscribe('pension-fund', 'identity', 'person-changed', batch);
    }
    const subscribeSeconds = (performance.now() - started) / 1000;
    const stored = Number((await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM notification_subscription'))[0].n);
    const subscriptions = { stored, seconds: Math.round(subscribeSeconds * 10) / 10, perSec: Math.round(stored / subscribeSeconds), callSize: SUBSCRIPTION_BATCH };
    log(`subscriptions: ${stored} in ${subscriptions.seconds} s = ${subscriptions.perSec}/s`);

    // 2. Events matched (no webhook for pension-fund: they queue for pull).
    started = performance.now();
    let matched = 0;
    for (let from = 0; from < EVENTS; from += EVENT_BATCH) {
      const batch = Array.from({ length: Math.min(EVENT_BATCH, EVENTS - from) }, (_, i) => {
        const n = from + i;
        // One in ten is a subscribed person; the others are not subscribed by anyone.
        return { nationalId: n % 10 === 0 ? nationalId((n * 7919) % SUBSCRIPTIONS) : nationalId(SUBSCRIPTIONS + n), changedOn: '2026-11-30' };
      });
      matched += (await center.publish('civil-registration', 'identity', 'person-changed', batch)).matched;
    }
    const eventSeconds = (performance.now() - started) / 1000;
    const events = { published: EVENTS, matched, seconds: Math.round(eventSeconds * 10) / 10, perSec: Math.round(EVENTS / eventSeconds), batch: EVENT_BATCH, against: stored };
    log(`events: ${EVENTS} (${matched} matched) in ${events.seconds} s = ${events.perSec}/s`);

    // 3. Delivery latency under load: a second agency with a webhook, DELIVERIES events at once.
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    const persons = Array.from({ length: DELIVERIES }, (_, i) => nationalId(i));
    await center.subscribe('tax-organization', 'identity', 'person-changed', persons);
    const registered = await center.registerWebhook('tax-organization', hookUrl);
    if ('problem' in registered) throw new Error(registered.problem.detail);
    const publishedAt = Date.now();
    for (let from = 0; from < DELIVERIES; from += EVENT_BATCH) {
      await center.publish('civil-registration', 'identity', 'person-changed', persons.slice(from, from + EVENT_BATCH).map((id) => ({ nationalId: id, changedOn: '2026-11-30' })));
    }
    // As NotificationDelivery does: rounds of 100 until none is due.
    while (received.length < DELIVERIES) {
      if ((await center.deliverDue(100)) === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const latencies = (await sql.query<{ ms: number }>("SELECT latency_ms AS ms FROM notification_traffic WHERE kind = 'delivery' AND agency = 'tax-organization' ORDER BY 1")).map((r) => Number(r.ms));
    const deliverySeconds = (Date.now() - publishedAt) / 1000;
    const deliveries = {
      delivered: latencies.length,
      seconds: Math.round(deliverySeconds * 10) / 10,
      perSec: Math.round(latencies.length / deliverySeconds),
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.round(latencies.at(-1)!) },
      note: 'every event published at once, then delivered 100 at a time in parallel to one loopback webhook: latency includes the wait in the queue',
    };
    log(`deliveries: ${latencies.length} in ${deliveries.seconds} s, p50 ${deliveries.latencyMs.p50} ms, p99 ${deliveries.latencyMs.p99} ms`);
    await sql.close();
    writeResults({
      notifications: {
        ...runContext(),
        machine_note: 'measured on the shared 2-core machine while other engineers ran builds and tests: busy, figures are a floor',
        store: 'PostgreSQL 15 (local cluster), pool of 8',
        subscriptions,
        events,
        deliveries,
      },
    });
    log('written to tests/bench/results.json');
  } finally {
    hook.close();
    await postgres?.destroy();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
