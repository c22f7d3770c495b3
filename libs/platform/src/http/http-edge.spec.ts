import { connect } from 'node:net';
import Fastify from 'fastify';
import { loadConfig } from '@nix/config';
import { HttpEdge, MAX_URL_BYTES, problemOfClientError } from './http-edge';

describe('problemOfClientError', () => {
  it.each([
    [{ code: 'HPE_HEADER_OVERFLOW', rawPacket: Buffer.from(`GET /${'a'.repeat(MAX_URL_BYTES + 10)}`) }, 414, 'uri-too-long'],
    [{ code: 'HPE_HEADER_OVERFLOW', rawPacket: Buffer.from(`GET / HTTP/1.1\r\nX: ${'a'.repeat(20_000)}`) }, 431, 'headers-too-large'],
    [{ code: 'HPE_INVALID_METHOD' }, 400, 'invalid-request'],
    [{ code: 'HPE_INVALID_HEADER_TOKEN' }, 400, 'invalid-request'],
    [{ code: 'ERR_HTTP_REQUEST_TIMEOUT' }, 408, 'request-timeout'],
    [{ code: 'HPE_SOMETHING_NEW' }, 400, 'invalid-request'],
  ])('answers %j with %i %s', (error, status, type) => {
    const problem = problemOfClientError(error);
    expect([problem.status, problem.problemType]).toEqual([status, type]);
  });
});

describe('HttpEdge at shutdown', () => {
  it('answers a request that arrives while closing with 503 shutting-down, Retry-After and Connection: close', async () => {
    const edge = new HttpEdge();
    const fastify = Fastify(edge.serverOptions(loadConfig({ PORT: '0', NIX_METRICS_PORT: '0' })));
    edge.attach(fastify);
    fastify.get('/slow', async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { ok: true };
    });
    fastify.get('/fast', async () => ({ ok: true }));
    await fastify.listen({ port: 0, host: '127.0.0.1' });
    const { port } = fastify.server.address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => (data += chunk));
    // One connection: the first request is in flight when closing starts, the second arrives during it.
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = fastify.close();
    socket.write('GET /fast HTTP/1.1\r\nHost: x\r\n\r\n');
    await closed;
    for (let waited = 0; !data.includes('"retryAfter"') && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    const [first, second] = data.split(/(?=HTTP\/1\.1 )/);
    expect(first).toMatch(/^HTTP\/1\.1 200 /);
    expect(second).toMatch(/^HTTP\/1\.1 503 /);
    expect(second).toMatch(/\r\nretry-after: 1\r\n/i);
    expect(second).toMatch(/\r\nconnection: close\r\n/i);
    expect(second).toMatch(/\r\ncontent-type: application\/problem\+json/i);
    expect(JSON.parse(second.slice(second.indexOf('\r\n\r\n') + 4))).toMatchObject({ type: '/problems/shutting-down', status: 503, retryAfter: 1 });
  });
});
