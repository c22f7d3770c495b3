import { randomInt } from 'node:crypto';
import { nationalIdCheckDigit } from '@nix/domain';
import { LEDGER_STORE } from '@nix/platform';
import type { SqlClient } from '@nix/ledger';
import { findDatabaseLeaks, findLeaks } from '@nix/ledger/testing';
import { NotificationStore, verifyWebhook, type NotificationCenter } from '@nix/notifications';
import { NOTIFICATION_CENTER } from '@nix/broker';
import { filesUnder } from '../support/haystacks';
import { eventually } from '../support/polling';
import { parseCsv } from '../support/report-traffic';
import { DEMO_HEADERS, MovableClock, startTestApp, type TestApp, type TestResponse } from '../support/test-app';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/** A valid national ID no sample registry, schema or fixture holds. */
function freshNationalId(): string {
  for (;;) {
    const nine = `9${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
    const id = nine + String(nationalIdCheckDigit(nine));
    if (id.length === 10 && !/^(\d)\1{9}$/.test(id)) return id;
  }
}

function expectProblem(response: TestResponse, status: number, type: string): void {
  expect({ status: response.status, type: response.json?.type, contentType: response.headers['content-type'] }).toEqual({
    status,
    type: `/problems/${type}`,
    contentType: expect.stringContaining('application/problem+json'),
  });
}

describe('identity-change notifications (issue 14, over HTTP, one process)', () => {
  let nix: TestApp;
  let store: NotificationStore;
  let hook: WebhookReceiver;
  const subscribed = [freshNationalId(), freshNationalId(), freshNationalId()];
  const unsubscribed = freshNationalId();
  const needles = [...subscribed, unsubscribed];
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  let custodianKey: string;
  let otherKey: string;
  const clock = new MovableClock();

  beforeAll(async () => {
    hook = await startWebhookReceiver('/nix-hook');
    nix = await startTestApp({ NIX_WEBHOOK_ALLOW_PRIVATE: 'true', NIX_LOG_LEVEL: 'debug', NIX_LOG_EXCHANGES: 'true' }, { clock });
    store = new NotificationStore(nix.app.get<SqlClient>(LEDGER_STORE, { strict: false }));
    const wg = bearer('demo-wg-key');
    custodianKey = (await nix.call('POST', '/v1/agencies/civil-registration/keys', { headers: wg, body: {} })).json.key;
    otherKey = (await nix.call('POST', '/v1/agencies/tax-organization/keys', { headers: wg, body: {} })).json.key;
    expect(custodianKey).toEqual(expect.any(String));
    expect(otherKey).toEqual(expect.any(String));
  });

  afterAll(async () => {
    await nix?.close().catch(() => undefined);
    await hook?.close();
  });

  const count = async (table: string) => Number((await store.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n);

  it('lists the event type in the catalogue, with its schema and custodian', async () => {
    const listed = await nix.call('GET', '/v1/event-types');
    expect(listed.status).toBe(200);
    const type = listed.json.eventTypes.find((t: { eventType: string }) => t.eventType === 'identity/person-changed');
    expect(type).toMatchObject({ registry: 'identity', name: 'person-changed', custodian: 'civil-registration', href: '/v1/events/identity/person-changed' });
    expect(Object.keys(type.schema.properties).sort()).toEqual(['changedOn', 'nationalId']);
    const document = await nix.call('GET', '/docs/openapi.json');
    expect(Object.keys(document.json.paths)).toEqual(
      expect.arrayContaining(['/v1/event-types', '/v1/events/{registry}/{eventType}', '/v1/subscriptions/{registry}/{eventType}', '/v1/notifications', '/v1/notifications/ack', '/v1/agencies/me/webhook', '/v1/reports/notifications']),
    );
  });

  it('refuses bad input with a problem naming what is wrong, and stores nothing', async () => {
    const path = '/v1/subscriptions/identity/person-changed';
    expectProblem(await nix.call('PUT', '/v1/subscriptions/identity/person-moved', { headers: DEMO_HEADERS, body: { nationalIds: [subscribed[0]] } }), 404, 'unknown-event-type');
    expectProblem(await nix.call('POST', '/v1/events/identity/person-moved', { headers: bearer(custodianKey), body: { nationalId: subscribed[0], changedOn: '2026-11-30' } }), 404, 'unknown-event-type');
    // No agreement covers the event type for tax-organization.
    expectProblem(await nix.call('PUT', path, { headers: bearer(otherKey), body: { nationalIds: [subscribed[0]] } }), 403, 'no-agreement');
    // A malformed ID among good ones: the whole batch is refused, naming the field.
    const malformed = await nix.call('PUT', path, { headers: DEMO_HEADERS, body: { nationalIds: [subscribed[0], '0012345678'] } });
    expectProblem(malformed, 400, 'invalid-request');
    expect(malformed.json.errors).toEqual([{ pointer: '/nationalIds/1', detail: 'has a wrong check digit' }]);
    expect(malformed.text).not.toContain('0012345678');
    // Only the custodian publishes.
    expectProblem(await nix.call('POST', '/v1/events/identity/person-changed', { headers: DEMO_HEADERS, body: { nationalId: subscribed[0], changedOn: '2026-11-30' } }), 403, 'not-permitted');
    const badEvent = await nix.call('POST', '/v1/events/identity/person-changed', { headers: bearer(custodianKey), body: { nationalId: '12345', changedOn: '2026-11-30', name: 'x' } });
    expectProblem(badEvent, 400, 'invalid-request');
    expect(badEvent.json.errors).toEqual(expect.arrayContaining([{ pointer: '/nationalId', detail: 'must be exactly 10 digits (0-9)' }, { pointer: '/name', detail: expect.stringContaining('not a field') }]));
    expectProblem(await nix.call('PUT', '/v1/agencies/me/webhook', { headers: DEMO_HEADERS, body: { url: 'ftp://example.org/x' } }), 400, 'invalid-request');
    expect(await count('notification_subscription')).toBe(0);
    expect(await count('notification_pending')).toBe(0);
    expect(await count('notification_traffic')).toBe(0);
  });

  it('delivers exactly one notification by pull, with only the national ID and the day, then deletes it on acknowledgement', async () => {
    const put = await nix.call('PUT', '/v1/subscriptions/identity/person-changed', { headers: DEMO_HEADERS, body: { nationalIds: subscribed } });
    expect(put.status).toBe(200);
    expect(put.json).toEqual({ eventType: 'identity/person-changed', subscribed: 3, added: 3 });
    // Stored as pseudonyms: 32-byte HMACs, never the ID.
    expect(await count('notification_subscription')).toBe(3);

    const published = await nix.call('POST', '/v1/events/identity/person-changed', {
      headers: bearer(custodianKey),
      body: { events: [{ nationalId: subscribed[1], changedOn: '2026-11-29' }, { nationalId: unsubscribed, changedOn: '2026-11-29' }] },
    });
    expect(published.status).toBe(202);
    expect(published.json.eventIds).toHaveLength(2);

    const pulled = await nix.call('GET', '/v1/notifications', { headers: DEMO_HEADERS });
    expect(pulled.status).toBe(200);
    expect(pulled.json.notifications).toEqual([{ eventId: published.json.eventIds[0], eventType: 'identity/person-changed', nationalId: subscribed[1], changedOn: '2026-11-29' }]);
    expect(pulled.json.cursor).toEqual(expect.any(String));
    // Another agency sees none of it.
    expect((await nix.call('GET', '/v1/notifications', { headers: bearer(otherKey) })).json.notifications).toEqual([]);
    // After the cursor, nothing more.
    expect((await nix.call('GET', `/v1/notifications?after=${pulled.json.cursor}`, { headers: DEMO_HEADERS })).json.notifications).toEqual([]);

    const ack = await nix.call('POST', '/v1/notifications/ack', { headers: DEMO_HEADERS, body: { eventIds: [published.json.eventIds[0]] } });
    expect(ack.json).toEqual({ acknowledged: 1 });
    expect(await count('notification_pending')).toBe(0);
    expect((await nix.call('GET', '/v1/notifications', { headers: DEMO_HEADERS })).json.notifications).toEqual([]);
  });

  it('delivers exactly one notification to a signed webhook, trying again after a failure', async () => {
    const registered = await nix.call('PUT', '/v1/agencies/me/webhook', { headers: DEMO_HEADERS, body: { url: hook.url } });
    expect(registered.status).toBe(200);
    expect(registered.json).toEqual({ url: hook.url, secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]+=*$/) });
    hook.answers.push(503);

    const published = await nix.call('POST', '/v1/events/identity/person-changed', {
      headers: bearer(custodianKey),
      body: { events: [{ nationalId: unsubscribed, changedOn: '2026-11-30' }, { nationalId: subscribed[2], changedOn: '2026-11-30' }] },
    });
    expect(published.status).toBe(202);
    const eventId = published.json.eventIds[1];

    await eventually(async () => count('notification_pending'), (n) => n === 0);
    // The first call failed (503), the retry after the backoff was accepted: two calls of the same message.
    expect(hook.received).toHaveLength(2);
    for (const call of hook.received) {
      expect(JSON.parse(call.body)).toEqual({ eventId, eventType: 'identity/person-changed', nationalId: subscribed[2], changedOn: '2026-11-30' });
      expect(call.headers['webhook-id']).toBe(eventId);
      expect(verifyWebhook(registered.json.secret, call.headers as Record<string, string>, call.body, Math.floor(Date.now() / 1000))).toBe(true);
      expect(verifyWebhook('whsec_' + Buffer.alloc(32).toString('base64'), call.headers as Record<string, string>, call.body, Math.floor(Date.now() / 1000))).toBe(false);
    }
    // Both attempts are delivery records: the failed one with why (the 503's class) and its latency, then the delivery.
    const attempts = await store.sql.query<{ outcome: string; channel: string; agency: string; latency_ms: number }>(
      `SELECT outcome, channel, agency, latency_ms FROM notification_traffic WHERE kind = 'delivery' AND event_id = $1 ORDER BY id`,
      [eventId],
    );
    expect(attempts.map((a) => ({ ...a, latency_ms: Number(a.latency_ms) }))).toEqual([
      { outcome: 'http-5xx', channel: 'webhook', agency: 'demo-agency', latency_ms: expect.any(Number) },
      { outcome: 'ok', channel: 'webhook', agency: 'demo-agency', latency_ms: expect.any(Number) },
    ]);
    expect(Number(attempts[1].latency_ms)).toBeGreaterThanOrEqual(Number(attempts[0].latency_ms));
  });

  it('counts each event and each delivery, with the same-day share, as metadata without identifiers', async () => {
    const counts = await store.counts(0, Date.now() + 60_000);
    expect(counts).toEqual(
      expect.arrayContaining([
        { agency: 'civil-registration', events: 4, deliveries: 0, sameDay: 0, failedAttempts: 0 },
        { agency: 'demo-agency', events: 0, deliveries: 2, sameDay: 2, failedAttempts: 1 },
      ]),
    );
    // On the metrics listener, with bounded labels: the webhook's first 503 and its accepted retry.
    const metrics = await nix.scrapeMetrics();
    expect(metrics).toMatch(/nix_notification_events_total\{[^}]*registry="identity"[^}]*event_type="person-changed"[^}]*\} 4\n/);
    expect(metrics).toMatch(/nix_notification_deliveries_total\{[^}]*channel="pull",outcome="ok"[^}]*\} 1\n/);
    expect(metrics).toMatch(/nix_notification_deliveries_total\{[^}]*channel="webhook",outcome="ok"[^}]*\} 1\n/);
    expect(metrics).toMatch(/nix_notification_deliveries_total\{[^}]*channel="webhook",outcome="http-5xx"[^}]*\} 1\n/);
    const report = await nix.call('GET', '/v1/reports/notifications', { headers: bearer('demo-wg-key') });
    expect(report.status).toBe(200);
    expect(report.json.agencies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ agency: 'civil-registration', events: 4 }),
        // The failed attempt is not a delivery: the same-day share counts the two delivered.
        expect.objectContaining({ agency: 'demo-agency', deliveries: 2, sameDay: 2, failedAttempts: 1, sameDayShare: 1 }),
      ]),
    );

    // The same rows as CSV (Accept or ?format=csv), with the agency's name in the report's language, for spreadsheets.
    for (const asked of [
      await nix.call('GET', '/v1/reports/notifications?lang=en', { headers: { ...bearer('demo-wg-key'), accept: 'text/csv' } }),
      await nix.call('GET', '/v1/reports/notifications?format=csv&lang=en', { headers: bearer('demo-wg-key') }),
    ]) {
      expect(asked.status).toBe(200);
      expect(asked.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(asked.headers['content-disposition']).toMatch(/^attachment; filename="nix-notifications-[A-Za-z0-9-]+\.csv"$/);
      const [header, ...rows] = parseCsv(asked.text.replace(/^\uFEFF/, ''));
      expect(header).toEqual(['agency', 'agency_name', 'events', 'deliveries', 'sameDay', 'sameDayShare', 'failedAttempts', 'lapsed']);
      expect(rows).toEqual(expect.arrayContaining([['demo-agency', 'Demo agency', '0', '2', '2', '1', '1', '0']]));
    }
    const persian = await nix.call('GET', '/v1/reports/notifications?format=csv', { headers: bearer('demo-wg-key') });
    expect(parseCsv(persian.text.replace(/^\uFEFF/, '')).find((r) => r[0] === 'demo-agency')?.[1]).toBe('دستگاه نمونه (آزمایشی)');
  });

  it('lets another agency subscribe once the working group makes an agreement naming the event type (R6)', async () => {
    const agreement = await nix.call('POST', '/v1/agreements', {
      headers: bearer('demo-wg-key'),
      body: {
        consumer: 'tax-organization',
        registry: 'identity',
        service: 'person-changed',
        dataItems: ['nationalId', 'changedOn'],
        purposes: ['tax-records'],
        dailyQuota: 1000,
        validFrom: '2024-01-01',
        validUntil: '2099-12-31',
        resolution: 'WG-1405-77',
      },
    });
    expect(agreement.status).toBe(201);
    const wrongItems = await nix.call('POST', '/v1/agreements', {
      headers: bearer('demo-wg-key'),
      body: { consumer: 'tax-organization', registry: 'identity', service: 'person-changed', dataItems: ['firstName'], purposes: ['tax-records'], dailyQuota: 1, validFrom: '2024-01-01', validUntil: '2099-12-31', resolution: 'x' },
    });
    expectProblem(wrongItems, 400, 'invalid-request');
    const put = await nix.call('PUT', '/v1/subscriptions/identity/person-changed', { headers: bearer(otherKey), body: { nationalIds: [subscribed[0]] } });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ added: 1 });
    const removed = await nix.call('DELETE', '/v1/subscriptions/identity/person-changed', { headers: bearer(otherKey), body: { nationalIds: [subscribed[0]] } });
    expect(removed.json).toMatchObject({ removed: 1 });

    // A full batch (10,000 IDs, about 130 KB: over the API's 64 KiB body limit, which this route raises) in one call.
    const batch = Array.from({ length: 10_000 }, (_, i) => {
      const nine = String(500_000_000 + i);
      return nine + String(nationalIdCheckDigit(nine));
    });
    const big = await nix.call('PUT', '/v1/subscriptions/identity/person-changed', { headers: bearer(otherKey), body: { nationalIds: batch } });
    expect({ status: big.status, json: big.json }).toEqual({ status: 200, json: { eventType: 'identity/person-changed', subscribed: 10_000, added: 10_000 } });
    const tooMany = await nix.call('PUT', '/v1/subscriptions/identity/person-changed', { headers: bearer(otherKey), body: { nationalIds: [...batch, subscribed[0]] } });
    expectProblem(tooMany, 400, 'invalid-request');
    expect(tooMany.json.errors).toEqual([{ pointer: '/nationalIds', detail: expect.stringContaining('10000') }]);
    expect((await nix.call('DELETE', '/v1/subscriptions/identity/person-changed', { headers: bearer(otherKey), body: { nationalIds: batch } })).json).toMatchObject({ removed: 10_000 });
    expect(await count('notification_subscription')).toBe(3);
  });

  it('drops a notification left unacknowledged past retention, and names its agency in the compliance report', async () => {
    expect((await nix.call('DELETE', '/v1/agencies/me/webhook', { headers: DEMO_HEADERS })).status).toBe(204);
    expectProblem(await nix.call('GET', '/v1/agencies/me/webhook', { headers: DEMO_HEADERS }), 404, 'not-found');
    const published = await nix.call('POST', '/v1/events/identity/person-changed', { headers: bearer(custodianKey), body: { nationalId: subscribed[0], changedOn: '2026-11-30' } });
    expect(published.status).toBe(202);
    expect(await count('notification_pending')).toBe(1);
    // Eight days on, with the default retention of seven: the sweep drops it and counts it against demo-agency.
    clock.offsetMs = 8 * 86_400_000;
    const center = nix.app.get<NotificationCenter>(NOTIFICATION_CENTER, { strict: false });
    expect(await center.expire(nix.config.notifications.retentionDays)).toBe(1);
    expect(await count('notification_pending')).toBe(0);
    const day = new Date(clock.now()).toLocaleDateString('en-CA', { timeZone: 'Asia/Tehran' });
    const compliance = await nix.call('GET', `/v1/reports/compliance?period=day:${day}`, { headers: bearer('demo-wg-key') });
    expect(compliance.status).toBe(200);
    expect(compliance.json.unacknowledgedNotifications).toEqual([{ agency: 'demo-agency', expired: 1 }]);
    // The compliance CSV carries the same finding.
    const csv = await nix.call('GET', `/v1/reports/compliance?period=day:${day}&format=csv&lang=en`, { headers: bearer('demo-wg-key') });
    expect(csv.status).toBe(200);
    const [header, ...rows] = parseCsv(csv.text.replace(/^\uFEFF/, ''));
    const lapsed = rows.filter((r) => r[0] === 'unacknowledged-notifications').map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
    expect(lapsed).toEqual([expect.objectContaining({ finding: 'unacknowledged-notifications', agency: 'demo-agency', agency_name: 'Demo agency', count: '1' })]);
    clock.offsetMs = 0;
  });

  it('R3: after acknowledgement and a graceful stop, none of the 4 national IDs is in any table, file or log under NIX_DATA_DIR', async () => {
    await nix.flushLedger();
    expect(await findDatabaseLeaks(store.sql, needles)).toEqual([]);
    expect(findLeaks(nix.logLines.map((text, i) => ({ source: `log line ${i}`, text })), needles)).toEqual([]);
    const dataDir = nix.config.paths.data;
    await nix.close();
    const files = filesUnder(dataDir);
    expect(files.length).toBeGreaterThan(10);
    expect(findLeaks(files, needles)).toEqual([]);
  });
});
