import type { TrafficRecord } from '@nix/domain';
import { ChainingTrafficSink, SqlTrafficQuarantine, TRAFFIC_SINK, TrafficRepository, TrafficWriter } from '@nix/ledger';
import { LedgerRetention } from '@nix/platform';
import { schemasWithTimeouts } from './fixtures';
import { startFakeRegistries } from './sample-registry';
import { DEMO_HEADERS, startTestApp, type TestApp } from './test-app';

/** The ledger's guarantees, run against the embedded store and against PostgreSQL. */
export function ledgerSuite(describeFn: jest.Describe, name: string, env: () => Promise<Record<string, string>>): void {
  describeFn(name, () => {
    let nix: TestApp;
    let registries: Awaited<ReturnType<typeof startFakeRegistries>>;

    beforeAll(async () => {
      // The address registry is reached over HTTP, with a short deadline, so that a stall gives a timeout.
      registries = await startFakeRegistries();
      nix = await startTestApp({
        ...(await env()),
        NIX_REGISTRY_ADDRESS_BACKEND: 'http',
        NIX_REGISTRY_ADDRESS_URL: registries.env.NIX_REGISTRY_ADDRESS_URL,
        NIX_SCHEMAS_DIR: schemasWithTimeouts({ 'address/postal-code': 300 }),
      });
    });
    afterAll(async () => {
      await nix.close();
      await registries.close();
    });

    it('holds exactly one record per exchange, whatever its outcome, with timestamps in order', async () => {
      const repository = nix.app.get(TrafficRepository);
      await nix.flushLedger();
      const before = await repository.count();
      const sent = [
        await nix.inquire('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21' }),
        await nix.inquire('identity', 'person', { nationalId: '0067749829', birthDate: '1988-03-21' }),
        await nix.inquire('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21' }, { 'x-purpose': 'demo' }),
        await nix.inquire('legal-entity', 'company', { nationalId: '10100841346' }),
        await nix.call('POST', '/v1/inquiries/goods/goods', { headers: { ...DEMO_HEADERS, 'content-type': 'text/plain' }, raw: 'x' }),
        await nix.inquire('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21' }, { ...DEMO_HEADERS, 'x-purpose': 'marketing' }),
      ];
      registries.server.fault = { kind: 'stall', ms: 1000 };
      sent.push(await nix.inquire('address', 'postal-code', { postalCode: '1193653471' }));
      registries.server.fault = { kind: 'none' };
      expect(sent.map((r) => r.status)).toEqual([200, 400, 401, 404, 415, 403, 504]);
      await nix.flushLedger();
      expect(await repository.count()).toBe(before + sent.length);
      const rows = await repository.sql.query<Record<string, any>>(
        `SELECT exchange_id::text AS id, outcome, http_status, received_at, dispatched_at, adapter_received_at, adapter_replied_at, responded_at
         FROM traffic_record WHERE exchange_id::text = ANY($1::text[])`,
        [sent.map((r) => r.headers['x-exchange-id'])],
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(sent.map((r) => byId.get(r.headers['x-exchange-id'])?.outcome)).toEqual(['ok', 'invalid', 'unauthenticated', 'not-found', 'invalid', 'denied', 'timeout']);
      const ok = byId.get(sent[0].headers['x-exchange-id'])!;
      const times = ['received_at', 'dispatched_at', 'adapter_received_at', 'adapter_replied_at', 'responded_at'].map((k) => new Date(ok[k]).getTime());
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(times[4] - times[0]).toBeLessThan(5000);
      const timeout = byId.get(sent[6].headers['x-exchange-id'])!;
      expect(timeout.dispatched_at).not.toBeNull();
      expect(timeout.adapter_received_at).toBeNull();
      expect(new Date(timeout.responded_at).getTime() - new Date(timeout.received_at).getTime()).toBeGreaterThanOrEqual(290);
    });

    it('keeps raw records for the configured months by dropping whole partitions, and keeps the rollups', async () => {
      const repository = nix.app.get(TrafficRepository);
      const old = Date.UTC(2020, 0, 15, 10);
      const record: TrafficRecord = {
        exchangeId: '01700000-0000-7000-8000-000000000001', receivedAt: old, dispatchedAt: null, adapterReceivedAt: null, adapterRepliedAt: null,
        respondedAt: old + 2, consumer: 'demo-agency', registry: 'identity', custodian: 'civil-registration', service: 'person', serviceVersion: '1.0.0',
        purpose: 'demo', agreement: null, trackingDigest: null, receiptDigest: null, outcome: 'denied', httpStatus: 403, problemType: 'no-agreement', requestBytes: 10,
        responseBytes: 100, brokerMs: 2, transportMs: null, adapterMs: null, registryMs: null, brokerInstance: 'old', adapterInstance: null,
      };
      expect(await repository.insertBatch([record])).toBe(1);
      expect(await repository.partitions()).toContain('traffic_record_y2020m01');
      await repository.sql.query(`INSERT INTO traffic_quarantine (quarantined_at, source, reason) VALUES ('2020-01-15T10:00:00Z', 'writer', 'old'), (now(), 'writer', 'recent')`);
      const dropped = await nix.app.get(LedgerRetention).apply();
      expect(dropped).toEqual(['traffic_record_y2020m01']);
      const partitions = await repository.partitions();
      expect(partitions).not.toContain('traffic_record_y2020m01');
      const month = new Date();
      expect(partitions).toContain(`traffic_record_y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, '0')}`);
      const [kept] = await repository.sql.query<{ n: number }>(`SELECT sum(exchanges)::int AS n FROM traffic_hourly WHERE broker_instance = 'old'`);
      expect(kept.n).toBe(1);
      const reasons = await repository.sql.query<{ reason: string }>(`SELECT reason FROM traffic_quarantine WHERE reason IN ('old', 'recent')`);
      expect(reasons.map((r) => r.reason)).toEqual(['recent']);
      await repository.sql.query(`DELETE FROM traffic_quarantine WHERE reason = 'recent'`);
    });

    const recordAt = (at: number, n: number, change: Partial<TrafficRecord> = {}): TrafficRecord => ({
      exchangeId: `01900000-0000-7000-8000-${String(n).padStart(12, '0')}`, receivedAt: at, dispatchedAt: null, adapterReceivedAt: null, adapterRepliedAt: null,
      respondedAt: at + 2, consumer: 'demo-agency', registry: 'identity', custodian: 'civil-registration', service: 'person', serviceVersion: '1.0.0',
      purpose: 'demo', agreement: null, trackingDigest: null, receiptDigest: null, outcome: 'invalid', httpStatus: 413, problemType: 'payload-too-large', requestBytes: 10,
      responseBytes: 100, brokerMs: 2, transportMs: null, adapterMs: null, registryMs: null, brokerInstance: 'sizes', adapterInstance: null, ...change,
    });

    it('stores sizes past 2^31 bytes, in the records and their rollups', async () => {
      const repository = nix.app.get(TrafficRepository);
      const at = Date.now();
      expect(await repository.insertBatch([recordAt(at, 1, { requestBytes: 3_000_000_000 }), recordAt(at, 2, { responseBytes: 2 ** 40 })])).toBe(2);
      const [row] = await repository.sql.query<Record<string, number>>(
        `SELECT sum(request_bytes_sum)::float8 AS req_sum, max(request_bytes_max)::float8 AS req_max, max(response_bytes_max)::float8 AS res_max
         FROM traffic_hourly WHERE broker_instance = 'sizes'`,
      );
      expect(row).toEqual({ req_sum: 3_000_000_010, req_max: 3_000_000_000, res_max: 2 ** 40 });
    });

    it('keeps the daily rollup (Tehran days) in the same statement as the hourly one, and a replay changes neither', async () => {
      const repository = nix.app.get(TrafficRepository);
      // 20:00 and 21:00 UTC on 1 March 2021 are 23:30 on 1 March and 00:30 on 2 March in Tehran (UTC+3:30).
      const late = Date.UTC(2021, 2, 1, 20, 0);
      const early = Date.UTC(2021, 2, 1, 21, 0);
      const batch = [recordAt(late, 101, { brokerInstance: 'days' }), recordAt(late + 60_000, 102, { brokerInstance: 'days', requestBytes: 30 }), recordAt(early, 103, { brokerInstance: 'days' })];
      expect(await repository.insertBatch(batch)).toBe(3);
      expect(await repository.insertBatch(batch)).toBe(0);
      const days = await repository.sql.query<{ day: string; exchanges: number; bytes: number; latency: number }>(
        `SELECT to_char(day AT TIME ZONE 'Asia/Tehran', 'YYYY-MM-DD HH24:MI') AS day, exchanges::int AS exchanges, request_bytes_sum::int AS bytes,
           (SELECT sum(c) FROM unnest(latency_counts) AS c)::int AS latency
         FROM traffic_daily WHERE broker_instance = 'days' ORDER BY day`,
      );
      expect(days).toEqual([
        { day: '2021-03-01 00:00', exchanges: 2, bytes: 40, latency: 2 },
        { day: '2021-03-02 00:00', exchanges: 1, bytes: 10, latency: 1 },
      ]);
      const [hourly] = await repository.sql.query<{ n: number }>(`SELECT sum(exchanges)::int AS n FROM traffic_hourly WHERE broker_instance = 'days'`);
      expect(hourly.n).toBe(3);
    });

    it('sets a record the database refuses aside in the quarantine, with the reason, and writes the rest of its batch', async () => {
      const repository = nix.app.get(TrafficRepository);
      // The writer behind the chain: these records are written as they are, unchained.
      const sink = nix.app.get<ChainingTrafficSink>(TRAFFIC_SINK, { strict: false });
      expect(sink).toBeInstanceOf(ChainingTrafficSink);
      const writer = sink.inner as TrafficWriter;
      expect(writer).toBeInstanceOf(TrafficWriter);
      await nix.flushLedger();
      const quarantined = () => new SqlTrafficQuarantine(repository.sql).list();
      const before = { count: await repository.count(), quarantined: (await quarantined()).length };
      // A record that passes validation and that the database still refuses: a constraint added for the test (SQLSTATE 23514).
      await repository.sql.exec(`ALTER TABLE traffic_record ADD CONSTRAINT test_poison CHECK (purpose IS DISTINCT FROM 'poison')`);
      try {
        const at = Date.now();
        const records = [1, 2, 3, 4, 5].map((n) => recordAt(at, 100 + n, { brokerInstance: 'poison-test', purpose: n === 4 ? 'poison' : 'demo' }));
        for (const r of records) writer.record(r);
        await writer.flush();
        expect(await repository.count()).toBe(before.count + 4);
        const entries = await quarantined();
        expect(entries.length).toBe(before.quarantined + 1);
        const entry = entries.at(-1)!;
        expect(entry).toMatchObject({ source: 'writer', exchangeId: records[3].exchangeId, record: { ...records[3] } });
        expect(entry.reason).toMatch(/^refused by the store \(SQLSTATE 23514\): .*test_poison/);
        expect(new Date(entry.quarantinedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
        const metric = (await nix.metrics.ledgerQuarantined.get()).values.find((v) => v.labels.source === 'writer');
        expect(metric?.value).toBeGreaterThanOrEqual(1);
      } finally {
        await repository.sql.exec('ALTER TABLE traffic_record DROP CONSTRAINT test_poison');
      }
      // And the ledger keeps writing.
      expect((await nix.inquire('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21' })).status).toBe(200);
      await nix.flushLedger();
      expect(await repository.count()).toBe(before.count + 5);
    });

    it('rolls every record up by the hour, and a replay adds nothing', async () => {
      const repository = nix.app.get(TrafficRepository);
      await nix.flushLedger();
      const total = async () => (await repository.sql.query<{ n: number }>("SELECT coalesce(sum(exchanges), 0)::int AS n FROM traffic_hourly WHERE broker_instance <> 'old'"))[0].n;
      expect(await total()).toBe(await repository.count());
      const before = await repository.count();
      // Read the records back exactly as they were written, then write them again.
      const records = await repository.sql.query<TrafficRecord>(
        `SELECT exchange_id::text AS "exchangeId",
                extract(epoch FROM received_at) * 1000 AS "receivedAt", extract(epoch FROM dispatched_at) * 1000 AS "dispatchedAt",
                extract(epoch FROM adapter_received_at) * 1000 AS "adapterReceivedAt", extract(epoch FROM adapter_replied_at) * 1000 AS "adapterRepliedAt",
                extract(epoch FROM responded_at) * 1000 AS "respondedAt",
                consumer, registry, custodian, service, service_version AS "serviceVersion", purpose, agreement, tracking_digest AS "trackingDigest", receipt_digest AS "receiptDigest",
                outcome, http_status AS "httpStatus", problem_type AS "problemType", request_bytes::float8 AS "requestBytes", response_bytes::float8 AS "responseBytes",
                broker_ms AS "brokerMs", transport_ms AS "transportMs", adapter_ms AS "adapterMs", registry_ms AS "registryMs",
                broker_instance AS "brokerInstance", adapter_instance AS "adapterInstance"
         FROM traffic_record`,
      );
      expect(records.length).toBe(before);
      expect(await repository.insertBatch(records.map((r) => ({ ...r, receivedAt: Number(r.receivedAt), respondedAt: Number(r.respondedAt) })))).toBe(0);
      expect(await repository.count()).toBe(before);
      expect(await repository.count()).toBe(before);
      expect(await total()).toBe(before);
    });
  });
}
