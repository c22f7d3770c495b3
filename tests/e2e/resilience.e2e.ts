import { MemoryTrafficLedger } from '@nix/ledger/testing';
import { schemasWithTimeouts } from '../support/fixtures';
import { startFakeRegistries } from '../support/sample-registry';
import { startTestApp, type TestApp, type TestResponse } from '../support/test-app';

const ADDRESS = { postalCode: '1193653471' };

describe('circuit breakers, health and metrics', () => {
  let nix: TestApp;
  let registries: Awaited<ReturnType<typeof startFakeRegistries>>;
  const ledger = new MemoryTrafficLedger();

  beforeAll(async () => {
    registries = await startFakeRegistries();
    nix = await startTestApp(
      {
        ...registries.env,
        NIX_SCHEMAS_DIR: schemasWithTimeouts({ 'address/postal-code': 300 }),
        NIX_BREAKER_VOLUME_THRESHOLD: '3',
        NIX_BREAKER_RESET_MS: '3000',
        NIX_ADAPTER_REGISTRIES: 'identity,legal-entity,address,vehicle',
      },
      { sink: ledger },
    );
  });
  afterAll(async () => {
    await nix.close();
    await registries.close();
  });

  it('is live, and ready while reporting a registry that has no adapter', async () => {
    expect((await nix.call('GET', '/health/live')).status).toBe(200);
    const ready = await nix.call('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.json.details.transport).toEqual({ status: 'up', kind: 'in-process' });
    expect(ready.json.details.adapters).toMatchObject({ status: 'up', degraded: true, noAdapter: ['goods'], instances: { identity: 1, goods: 0 } });
    expect(ready.json.details.ledger).toMatchObject({ status: 'up', store: 'pglite' });
  });

  it('opens the breaker of a stalling registry, then refuses at once with 503 and Retry-After, and closes again once it recovers', async () => {
    registries.server.fault = { kind: 'stall', ms: 2000 };
    const first: TestResponse[] = [];
    for (let i = 0; i < 3; i++) first.push(await nix.inquire('address', 'postal-code', ADDRESS));
    expect(first.map((r) => r.status)).toEqual([504, 504, 504]);

    const refused: TestResponse[] = [];
    for (let i = 0; i < 5; i++) refused.push(await nix.inquire('address', 'postal-code', ADDRESS));
    for (const response of refused) {
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('3');
      expect(response.json.type).toBe('/problems/registry-unavailable');
    }
    const metrics = await nix.scrapeMetrics();
    expect(metrics).toMatch(/nix_breaker_state\{scope="broker",registry="address"[^}]*\} 2/);
    expect(metrics).toMatch(/nix_breaker_rejections_total\{scope="broker",registry="address"[^}]*\} 5/);
    const ready = await nix.call('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.json.details.breakers.notClosed).toContain('broker:address');

    await nix.flushLedger();
    const fast = ledger.records.filter((r) => refused.some((x) => x.headers['x-exchange-id'] === r.exchangeId));
    expect(fast).toHaveLength(5);
    // Refused without waiting for the 300 ms deadline and without reaching an adapter.
    // (How fast, in milliseconds, is the benchmark's business: npm run bench measures it.)
    for (const record of fast) {
      expect(record.respondedAt - record.receivedAt).toBeLessThan(100);
      expect(record.dispatchedAt).not.toBeNull();
      expect(record.adapterReceivedAt).toBeNull();
    }
    registries.server.fault = { kind: 'none' };
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const probe = await nix.inquire('address', 'postal-code', ADDRESS);
    expect(probe.status).toBe(200);
    expect((await nix.inquire('address', 'postal-code', ADDRESS)).status).toBe(200);
    expect(await nix.scrapeMetrics()).toMatch(/nix_breaker_state\{scope="broker",registry="address"[^}]*\} 0/);
  });

  it('exports every metric family after traffic, with bounded labels', async () => {
    await nix.inquire('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21' });
    const text = await nix.scrapeMetrics();
    for (const family of [
      'nix_inquiries_total',
      'nix_inquiry_duration_seconds_bucket',
      'nix_inquiry_segment_seconds_bucket',
      'nix_inquiries_in_flight',
      'nix_breaker_state',
      'nix_ledger_buffered_records',
      'nix_ledger_recorder_lag_seconds',
      'nix_process_cpu_seconds_total',
      'nix_nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(text).toContain(family);
    }
    expect(text).toMatch(/nix_inquiry_segment_seconds_count\{[^}]*segment="registry"/);
    expect(text).not.toMatch(/0067749828|exchange_?id/i);
  });
});
