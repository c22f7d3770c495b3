import { Readable, Transform, pipeline } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ExchangeTrace } from '@nix/domain';
import type { ExchangeRecorder } from './exchange-recorder';
import { isExchangeRequest, TRACKING_CODE } from './exchange-requests';

declare module 'fastify' {
  interface FastifyRequest {
    exchange: ExchangeTrace | null;
  }
}

export interface ExchangeHookSettings {
  /** The most body bytes an inquiry may carry (a longer one is a 413). */
  bodyLimit: number;
  /** NIX_LEDGER_DURABILITY=sync: an answer leaves once its record is durable. */
  durableAnswers: boolean;
}

/**
 * The Fastify side of exchanges: every request under /v1/inquiries/ is an
 * exchange, whatever becomes of it and however its URL is written. It starts
 * when the request arrives, before the body is even parsed, and is recorded
 * exactly once when its answer has gone out. Sizes are the bytes actually
 * read and sent, never what a header claims.
 */
export class ExchangeHooks {
  constructor(
    private readonly recorder: ExchangeRecorder,
    private readonly settings: ExchangeHookSettings,
  ) {}

  register(fastify: FastifyInstance): void {
    fastify.decorateRequest('exchange', null);
    fastify.addHook('onRequest', (request, reply, done) => {
      if (!request.exchange && isExchangeRequest(request)) this.begin(request, reply);
      done();
    });
    fastify.addHook('preParsing', (request, _reply, payload, done) => {
      const trace = request.exchange;
      if (!trace || !mayCarryBody(request, this.settings.bodyLimit)) return done(null, payload);
      const body = counted(payload, (bytes) => (trace.requestBytes += bytes));
      countedBodies.set(request, body);
      done(null, body);
    });
    fastify.addHook('onSend', (request, reply, payload, done) => {
      const trace = request.exchange;
      if (!trace) return done(null, payload);
      let sent = payload;
      if (typeof payload === 'string') trace.responseBytes = Buffer.byteLength(payload);
      else if (Buffer.isBuffer(payload)) trace.responseBytes = payload.length;
      else if (payload instanceof Readable) sent = counted(payload, (bytes) => (trace.responseBytes += bytes));
      // The answer leaves once its record is on disk (a streamed answer is recorded after it).
      const durable = this.settings.durableAnswers && sent === payload ? this.recorder.finish(trace, { httpStatus: reply.statusCode, durably: true }) : undefined;
      if (durable) void durable.then(() => done(null, sent));
      else done(null, sent);
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      // A body left unread (415, 413 mid-way) is drained, as Node does for a request nobody read, so that the
      // connection can carry the next request.
      const body = countedBodies.get(request);
      if (body && !request.raw.complete) body.resume();
      if (request.exchange) void this.recorder.finish(request.exchange, { httpStatus: reply.statusCode, durably: false });
      done();
    });
  }

  /**
   * For requests Fastify answers before routing (a bad percent-escape, an
   * over-long segment): no onResponse hook runs for them, so the record is
   * made when the answer has gone out.
   */
  track(request: FastifyRequest, reply: FastifyReply): void {
    if (request.exchange || !isExchangeRequest(request)) return;
    const trace = this.begin(request, reply);
    const end = () => void this.recorder.finish(trace, { httpStatus: reply.statusCode, durably: false });
    reply.raw.once('finish', end);
    reply.raw.once('close', end);
  }

  /** Starts the exchange of a request: its ID on the answer, and the tracking code echoed. */
  begin(request: FastifyRequest, reply: FastifyReply): ExchangeTrace {
    const trace = this.recorder.begin();
    request.exchange = trace;
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) this.recorder.disconnected(trace);
    });
    reply.header('x-exchange-id', trace.exchangeId);
    const trackingCode = request.headers['x-tracking-code'];
    // Echoed on every answer, problems included, so the consumer can match them (R9).
    if (typeof trackingCode === 'string' && TRACKING_CODE.test(trackingCode)) reply.header('x-tracking-code', trackingCode);
    return trace;
  }
}

const countedBodies = new WeakMap<FastifyRequest, Readable>();

/** Whether the body may be read: a body over the limit by its Content-Length is refused unread (413). */
function mayCarryBody(request: FastifyRequest, bodyLimit: number): boolean {
  const length = request.headers['content-length'];
  if (length !== undefined) return Number(length) > 0 && Number(length) <= bodyLimit;
  return request.headers['transfer-encoding'] !== undefined;
}

/** The same bytes, counted as they pass. */
function counted(source: NodeJS.ReadableStream, count: (bytes: number) => void): Readable {
  const counter = new Transform({
    transform(chunk: Buffer | string, _encoding, callback) {
      count(typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length);
      callback(null, chunk);
    },
  });
  pipeline(source, counter, () => undefined);
  return counter;
}
