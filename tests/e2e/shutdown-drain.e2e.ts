/**
 * Closing the app waits, up to NIX_SHUTDOWN_DRAIN_MS, for the inquiries in
 * flight: they are answered, and their records reach the ledger before it
 * flushes and closes.
 */
import { embeddedStoreDir, PgliteSqlClient } from '@nix/ledger';
import { ExchangeRecorder } from '@nix/broker';
import { eventually } from '../support/polling';
import { startFakeRegistries } from '../support/sample-registry';
import { startTestApp, type TestApp } from '../support/test-app';

jest.setTimeout(60_000);

const ADDRESS = { postalCode: '1193653471' };

describe('shutdown drains the inquiries in flight', () => {
  let registries: Awaited<ReturnType<typeof startFakeRegistries>>;

  beforeAll(async () => {
    registries = await startFakeRegistries();
  });
  afterAll(async () => {
    await registries.close();
  });

  async function storedOutcome(nix: TestApp, exchangeId: string): Promise<string | undefined> {
    const store = new PgliteSqlClient(embeddedStoreDir(nix.config.paths.data));
    try {
      const rows = await store.query<{ outcome: string }>('SELECT outcome FROM traffic_record WHERE exchange_id = $1', [exchangeId]);
      return rows[0]?.outcome;
    } finally {
      await store.close();
    }
  }

  /** Starts a slow inquiry, closes the app while it is in flight, and gives what became of both. */
  async function closeDuringSlowInquiry(nix: TestApp) {
    // An open ledger, so that the flush at shutdown is what writes the record.
    expect((await nix.inquire('goods', 'goods', { gtin: '6260100001237' })).status).toBe(200);
    registries.server.fault = { kind: 'stall', ms: 1500 };
    try {
      const inFlight = nix.inquire('address', 'postal-code', ADDRESS);
      const recorder = nix.app.get(ExchangeRecorder, { strict: false });
      await eventually(async () => recorder.inFlightCount, (count) => count === 1, 10_000);
      const closing = nix.close();
      const answer = await inFlight;
      await closing;
      return { answer, outcome: await storedOutcome(nix, answer.headers['x-exchange-id']) };
    } finally {
      registries.server.fault = { kind: 'none' };
    }
  }

  it('answers the inquiry in flight with 200 and has its record in the ledger once closed', async () => {
    const nix = await startTestApp({ ...registries.env, NIX_SHUTDOWN_DRAIN_MS: '10000' });
    const { answer, outcome } = await closeDuringSlowInquiry(nix);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ city: 'تهران' });
    expect(outcome).toBe('ok');
    expect(nix.logLines.some((line) => line.includes('still in flight after the shutdown drain'))).toBe(false);
  });

  it('says so when the drain runs out, and still answers and records the inquiry', async () => {
    const nix = await startTestApp({ ...registries.env, NIX_SHUTDOWN_DRAIN_MS: '100' });
    const { answer, outcome } = await closeDuringSlowInquiry(nix);
    expect(answer.status).toBe(200);
    expect(outcome).toBe('ok');
    const warning = nix.logLines.map((line) => JSON.parse(line)).find((line) => String(line.msg).includes('still in flight after the shutdown drain'));
    expect(warning).toMatchObject({ inFlight: 1, drainMs: 100 });
  });
});
