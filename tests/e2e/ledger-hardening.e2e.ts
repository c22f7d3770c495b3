/**
 * No record can stall the ledger (issue 9, point 1) and NIX_LEDGER_DURABILITY=sync (point 6), on the embedded
 * default over real HTTP.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { Pool, request } from 'undici';
import type { TrafficRecord } from '@nix/domain';
import { journalDir, TrafficRepository, TrafficWriter, type TrafficBatchStore } from '@nix/ledger';
import { NixMetrics } from '@nix/observability';
import { eventually } from '../support/polling';
import { DEMO_HEADERS, startTestApp, type TestApp } from '../support/test-app';
import { SystemClock } from '@nix/platform';

const PERSON = { nationalId: '0067749828', birthDate: '1988-03-21' };

/** Sends a request as written, byte for byte (a client may claim any Content-Length), and reads the answer's head and body. */
function rawRequest(url: string, head: string, body = ''): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(head + body));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      text += chunk;
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      const length = Number(headers['content-length'] ?? 0);
      if (text.length - end - 4 < length) return;
      socket.destroy();
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: text.slice(end + 4, end + 4 + length) });
    });
    socket.on('error', reject);
    socket.setTimeout(10_000, () => reject(new Error('no answer')));
  });
}

async function counterValue(nix: TestApp, name: string): Promise<number> {
  const metric = nix.metrics.registry.getSingleMetric(name);
  return metric ? (await metric.get()).values.reduce((sum, v) => sum + v.value, 0) : 0;
}

describe('a poison request cannot stall the ledger', () => {
  let nix: TestApp;
  beforeAll(async () => {
    nix = await startTestApp();
  });
  afterAll(() => nix.close());

  it('answers 413 to a body claimed at 3 GB, records it with the bytes actually read, and keeps recording every exchange after it', async () => {
    const repository = nix.app.get(TrafficRepository);
    await nix.flushLedger();
    const before = await repository.count();
    const writtenBefore = await counterValue(nix, 'nix_ledger_records_written_total');

    const poison = await rawRequest(
      nix.url,
      'POST /v1/inquiries/identity/person HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3000000000\r\n\r\n',
      '{"nationalId":',
    );
    expect(poison.status).toBe(413);
    expect(poison.headers['content-type']).toMatch(/^application\/problem\+json/);
    const poisonId = poison.headers['x-exchange-id'];
    expect(poisonId).toBeTruthy();

    const after = [];
    for (let i = 0; i < 5; i++) after.push(await nix.inquire('identity', 'person', PERSON));
    expect(after.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    await nix.flushLedger();

    expect(await repository.count()).toBe(before + 6);
    expect(await counterValue(nix, 'nix_ledger_records_written_total')).toBeGreaterThanOrEqual(writtenBefore + 6);
    expect(await counterValue(nix, 'nix_ledger_quarantined_total')).toBe(0);
    const [row] = await repository.sql.query<{ http_status: number; request_bytes: number; response_bytes: number }>(
      'SELECT http_status, request_bytes::float8 AS request_bytes, response_bytes::float8 AS response_bytes FROM traffic_record WHERE exchange_id = $1',
      [poisonId],
    );
    // The claim was refused unread: nothing of the body was read, whatever the header said.
    expect(row).toEqual({ http_status: 413, request_bytes: 0, response_bytes: Buffer.byteLength(poison.body, 'latin1') });
    const ready = await nix.call('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.json.details.ledger).toMatchObject({ status: 'up', writing: true, stalledSeconds: 0 });
  });

  it('serves the next request on a connection whose body was refused unread', async () => {
    const pool = new Pool(nix.url, { connections: 1, pipelining: 1 });
    try {
      const send = async (contentType: string, body: string) => {
        const response = await pool.request({ method: 'POST', path: '/v1/inquiries/identity/person', headers: { ...DEMO_HEADERS, 'content-type': contentType }, body, headersTimeout: 10_000, bodyTimeout: 10_000 });
        await response.body.text();
        return response.statusCode;
      };
      expect(await send('text/plain', 'x'.repeat(60 * 1024))).toBe(415);
      expect(await send('application/json', JSON.stringify(PERSON))).toBe(200);
    } finally {
      await pool.close();
    }
  });

  it('records the sizes of the bodies actually read and sent, chunked bodies included', async () => {
    const repository = nix.app.get(TrafficRepository);
    const body = JSON.stringify({ ...PERSON, note: undefined, padding: undefined });
    const plain = await nix.call('POST', '/v1/inquiries/identity/person', { headers: { ...DEMO_HEADERS, 'content-type': 'application/json' }, raw: body });
    expect(plain.status).toBe(200);
    const chunkedBody = JSON.stringify(PERSON);
    const chunked = await request(`${nix.url}/v1/inquiries/identity/person`, {
      method: 'POST',
      headers: { ...DEMO_HEADERS, 'content-type': 'application/json' },
      // An async iterable has no length: undici sends it chunked.
      body: Readable.from([chunkedBody.slice(0, 10), chunkedBody.slice(10)]),
    });
    const chunkedText = await chunked.body.text();
    expect(chunked.statusCode).toBe(200);
    await nix.flushLedger();
    const sizes = async (id: string) =>
      (await repository.sql.query<{ request_bytes: number; response_bytes: number }>(
        'SELECT request_bytes::float8 AS request_bytes, response_bytes::float8 AS response_bytes FROM traffic_record WHERE exchange_id = $1',
        [id],
      ))[0];
    expect(await sizes(plain.headers['x-exchange-id'])).toEqual({ request_bytes: Buffer.byteLength(body), response_bytes: Buffer.byteLength(plain.text) });
    expect(await sizes(chunked.headers['x-exchange-id'] as string)).toEqual({ request_bytes: Buffer.byteLength(chunkedBody), response_bytes: Buffer.byteLength(chunkedText) });
  });

});

/** A store that is down until told otherwise. */
class SwitchableStore implements TrafficBatchStore {
  down = true;
  readonly stored: TrafficRecord[] = [];
  async insertBatch(records: readonly TrafficRecord[]): Promise<void> {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    this.stored.push(...records);
  }
}

describe('a ledger that writes nothing while records wait', () => {
  const store = new SwitchableStore();
  const metrics = new NixMetrics({ defaultMetrics: false });
  const writer = new TrafficWriter(store, { batchSize: 100, flushIntervalMs: 100, bufferLimit: 10_000, stallMs: 1000 }, null, metrics, { clock: new SystemClock() }).start();
  const stalledGauge = async () => (await metrics.ledgerStalled.get()).values[0]?.value ?? 0;
  let nix: TestApp;
  beforeAll(async () => {
    nix = await startTestApp({}, { sink: writer });
  });
  afterAll(async () => {
    store.down = false;
    await nix.close();
    await writer.close();
  });

  it('makes /health/ready fail after NIX_LEDGER_STALL_S, and ready again once records are written', async () => {
    expect((await nix.call('GET', '/health/ready')).status).toBe(200);
    expect((await nix.inquire('identity', 'person', PERSON)).status).toBe(200);
    const unready = await eventually(() => nix.call('GET', '/health/ready'), (r) => r.status !== 200, 20_000);
    // Terminus answers 503; on this branch the problem filter still turns it into a 500 problem (issue 9 point 5 is another's).
    expect(unready.status).toBeGreaterThanOrEqual(500);
    expect(writer.stalled).toBe(true);
    expect(writer.degraded).toBe(true);
    // The gauge follows on the writer's next tick.
    expect(await eventually(stalledGauge, (v) => v > 1, 10_000)).toBeGreaterThan(1);
    store.down = false;
    const ready = await eventually(() => nix.call('GET', '/health/ready'), (r) => r.status === 200, 30_000);
    expect(ready.status).toBe(200);
    expect(store.stored).toHaveLength(1);
    expect(await eventually(stalledGauge, (v) => v === 0, 10_000)).toBe(0);
  });
});

describe('NIX_LEDGER_DURABILITY=sync', () => {
  let nix: TestApp;
  beforeAll(async () => {
    // Batches written once a minute: an answer that arrives before then found its record in the journal.
    nix = await startTestApp({ NIX_LEDGER_DURABILITY: 'sync', NIX_LEDGER_FLUSH_MS: '60000', NIX_LEDGER_BATCH_SIZE: '50000' });
  });
  afterAll(() => nix.close());

  const journaled = () => {
    const dir = journalDir(nix.config.paths.data);
    if (!existsSync(dir)) return [];
    return readdirSync(dir).flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).exchangeId as string));
  };

  it('has every record on disk by the time its answer is received, and stores each once, trimming the journal', async () => {
    const answers = await Promise.all([
      nix.inquire('identity', 'person', PERSON),
      nix.inquire('identity', 'person', { ...PERSON, nationalId: '0067749829' }),
      nix.call('POST', '/v1/inquiries/identity/person', { headers: { 'content-type': 'application/json' }, body: PERSON }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 400, 401]);
    const ids = answers.map((a) => a.headers['x-exchange-id']);
    // Read at once, with nothing awaited in between: the answer is only sent after the journal's sync.
    expect(journaled()).toEqual(expect.arrayContaining(ids));

    const repository = nix.app.get(TrafficRepository);
    await nix.flushLedger();
    const rows = await repository.sql.query<{ id: string }>('SELECT exchange_id::text AS id FROM traffic_record WHERE exchange_id::text = ANY($1::text[])', [ids]);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    const trimmed = await eventually(async () => journaled(), (lines) => lines.length === 0, 10_000);
    expect(trimmed).toEqual([]);
  });
});
