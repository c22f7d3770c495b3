/**
 * Overload shedding (issue 15): past NIX_MAX_IN_FLIGHT inquiries in flight, a
 * new inquiry gets a fast 503 overloaded with Retry-After instead of waiting
 * in a queue, and every shed exchange is still in the ledger.
 */
import { TrafficRepository } from '@nix/ledger';
import { schemasWithTimeouts } from '../support/fixtures';
import { startFakeRegistries } from '../support/sample-registry';
import { startTestApp, type TestApp, type TestResponse } from '../support/test-app';

const LIMIT = 3;
const CALLS = 12;
const ADDRESS = { postalCode: '1193653471' };

describe('NIX_MAX_IN_FLIGHT', () => {
  let registries: Awaited<ReturnType<typeof startFakeRegistries>>;
  let nix: TestApp;

  beforeAll(async () => {
    registries = await startFakeRegistries();
    nix = await startTestApp({
      NIX_MAX_IN_FLIGHT: String(LIMIT),
      NIX_REGISTRY_ADDRESS_BACKEND: 'http',
      NIX_REGISTRY_ADDRESS_URL: registries.env.NIX_REGISTRY_ADDRESS_URL,
      NIX_SCHEMAS_DIR: schemasWithTimeouts({ 'address/postal-code': 10_000 }),
    });
  });

  afterAll(async () => {
    await nix?.close();
    await registries?.close();
  });

  it('sheds the inquiries beyond the limit with 503 overloaded and Retry-After, answers the rest, and records every one', async () => {
    // A slow registry keeps the first inquiries in flight while the others arrive.
    registries.server.fault = { kind: 'stall', ms: 3000 };
    let responses: TestResponse[];
    try {
      responses = await Promise.all(Array.from({ length: CALLS }, () => nix.inquire('address', 'postal-code', ADDRESS)));
    } finally {
      registries.server.fault = { kind: 'none' };
    }
    const shed = responses.filter((r) => r.status === 503);
    const answered = responses.filter((r) => r.status === 200);
    expect(shed.length + answered.length).toBe(CALLS);
    expect(answered.length).toBeGreaterThanOrEqual(1);
    expect(answered.length).toBeLessThanOrEqual(LIMIT);
    expect(shed.length).toBeGreaterThanOrEqual(CALLS - LIMIT);
    for (const response of shed) {
      expect(response.json).toMatchObject({ type: '/problems/overloaded', status: 503 });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.json.exchangeId).toBe(response.headers['x-exchange-id']);
    }

    await nix.flushLedger();
    const ids = responses.map((r) => r.headers['x-exchange-id']);
    const rows: Array<{ id: string; outcome: string; problem_type: string | null; http_status: number }> = await nix.app
      .get(TrafficRepository)
      .sql.query(`SELECT exchange_id::text AS id, outcome, problem_type, http_status FROM traffic_record WHERE exchange_id::text = ANY($1::text[])`, [ids]);
    expect(rows).toHaveLength(CALLS);
    expect(rows.filter((r) => r.problem_type === 'overloaded' && r.outcome === 'unavailable' && r.http_status === 503)).toHaveLength(shed.length);
    expect(rows.filter((r) => r.outcome === 'ok' && r.http_status === 200)).toHaveLength(answered.length);
  });

  it('takes inquiries again once those in flight are answered', async () => {
    const response = await nix.inquire('address', 'postal-code', ADDRESS);
    expect(response.status).toBe(200);
  });

  it('documents the problem type', async () => {
    const response = await nix.call('GET', '/problems/overloaded');
    expect(response.status).toBe(200);
    expect(response.json.type).toBe('/problems/overloaded');
  });
});
