/**
 * Overload shedding (issue 15): past NIX_MAX_IN_FLIGHT inquiries in flight, or,
 * once the event loop's turns have been long for 100 ms, read more than
 * NIX_ADMISSION_TARGET_MS after the first inquiry of their turn, a new inquiry gets a fast 503 overloaded with Retry-After
 * instead of waiting in a queue, and every shed exchange is still in the ledger.
 */
import { connect, type Socket } from 'node:net';
import { TrafficRepository } from '@nix/ledger';
import { schemasWithTimeouts } from '../support/fixtures';
import { parseResponse, type RawResponse } from '../support/raw-http';
import { startFakeRegistries } from '../support/sample-registry';
import { DEMO_HEADERS, startTestApp, type TestApp, type TestResponse } from '../support/test-app';

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
      NIX_ADMISSION_TARGET_MS: '0',
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

/** The traffic records of these exchanges. */
async function recordsOf(nix: TestApp, ids: string[]): Promise<Array<{ id: string; outcome: string; problem_type: string | null; http_status: number }>> {
  await nix.flushLedger();
  return nix.app
    .get(TrafficRepository)
    .sql.query(`SELECT exchange_id::text AS id, outcome, problem_type, http_status FROM traffic_record WHERE exchange_id::text = ANY($1::text[])`, [ids]);
}

/** A kept-alive connection to the broker that sends requests and reads their answers in order. */
class RawConnection {
  private data: Buffer = Buffer.alloc(0);
  private waiting: Array<(response: RawResponse) => void> = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.data = Buffer.concat([this.data, chunk]);
      for (let parsed = parseResponse(this.data); parsed && this.waiting.length > 0; parsed = parseResponse(this.data)) {
        this.data = parsed.rest;
        this.waiting.shift()!(parsed.response);
      }
    });
  }

  static open(baseUrl: string): Promise<RawConnection> {
    const { hostname, port } = new URL(baseUrl);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Writes the request at once (into the kernel's buffers) and resolves with its answer. */
  send(request: string): Promise<RawResponse> {
    const answered = new Promise<RawResponse>((resolve) => this.waiting.push(resolve));
    this.socket.write(request);
    return answered;
  }

  close(): void {
    this.socket.destroy();
  }
}

function inquiryBytes(path: string, body: unknown, trackingCode: string): string {
  const json = JSON.stringify(body);
  const headers = { host: 'nix.test', 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(json)), 'x-tracking-code': trackingCode, ...DEMO_HEADERS };
  return `POST ${path} HTTP/1.1\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${json}`;
}

describe('NIX_ADMISSION_TARGET_MS', () => {
  const CONNECTIONS = 40;
  let nix: TestApp;
  let connections: RawConnection[] = [];

  beforeAll(async () => {
    // 1 ms: the inquiries read in one turn after its first one's first millisecond are shed.
    nix = await startTestApp({ NIX_ADMISSION_TARGET_MS: '1' });
    connections = await Promise.all(Array.from({ length: CONNECTIONS }, () => RawConnection.open(nix.url)));
    // Every connection accepted and kept alive before the burst: libuv accepts one new connection per turn.
    for (const connection of connections) {
      expect((await connection.send('GET /health/live HTTP/1.1\r\nhost: nix.test\r\n\r\n')).status).toBe(200);
    }
  });

  afterAll(async () => {
    for (const connection of connections) connection.close();
    await nix?.close();
  });

  it('sheds, once the queue stands, the inquiries that waited in the sockets while the event loop answered others, with 503 overloaded, and records every one', async () => {
    // Written together, a round's inquiries are read in one turn of the event loop, one after the other: each waits
    // for those read before it. Round after round the queue stands (turns long for 100 ms), and then those read too
    // late in their turn are shed at once instead of waiting longer.
    const responses: RawResponse[] = [];
    for (let round = 0; round < 200 && !responses.some((r) => r.status === 503); round++) {
      responses.push(
        ...(await Promise.all(
          connections.map((connection, i) => connection.send(inquiryBytes('/v1/inquiries/address/postal-code', ADDRESS, `burst-${round}-${i}`))),
        )),
      );
    }
    const shed = responses.filter((r) => r.status === 503);
    const answered = responses.filter((r) => r.status === 200);
    expect(shed.length + answered.length).toBe(responses.length);
    expect(answered.length).toBeGreaterThanOrEqual(1);
    expect(shed.length).toBeGreaterThanOrEqual(1);
    for (const response of shed) {
      expect(response.json).toMatchObject({ type: '/problems/overloaded', status: 503 });
      expect(response.json.detail).toMatch(/waited too long/);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.headers['nix-receipt']).toBeDefined();
      expect(response.json.exchangeId).toBe(response.headers['x-exchange-id']);
    }
    for (const response of responses) expect(response.headers['x-tracking-code']).toMatch(/^burst-\d+-\d+$/);

    const rows = await recordsOf(nix, responses.map((r) => r.headers['x-exchange-id']));
    expect(rows).toHaveLength(responses.length);
    expect(rows.filter((r) => r.problem_type === 'overloaded' && r.outcome === 'unavailable' && r.http_status === 503)).toHaveLength(shed.length);
    expect(rows.filter((r) => r.outcome === 'ok' && r.http_status === 200)).toHaveLength(answered.length);
  });

  it('answers an inquiry that arrives alone', async () => {
    const response = await connections[0].send(inquiryBytes('/v1/inquiries/address/postal-code', ADDRESS, 'alone'));
    expect(response.status).toBe(200);
  });
});
