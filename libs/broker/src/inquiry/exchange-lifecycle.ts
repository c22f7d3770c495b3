import { Readable, Transform, pipeline } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ExchangeTrace, trafficRecordOf, type Clock, type ExchangeIdGenerator, type TrafficRecord } from '@nix/domain';
import type { NixConfig } from '@nix/config';
import { TRAFFIC_SINK, type TrafficSink } from '@nix/ledger';
import type { NixMetrics } from '@nix/observability';
import type { Logger } from 'pino';
import { KEY_HASHER, type KeyHasher } from '../access/key-hasher';
import { CLOCK, EXCHANGE_IDS, LOGGER, METRICS, NIX_CONFIG } from '@nix/platform';
import { isExchangeRequest } from './exchange-requests';

declare module 'fastify' {
  interface FastifyRequest {
    exchange: ExchangeTrace | null;
  }
}

export { INQUIRY_PREFIX } from './exchange-requests';

interface ExchangeSeries {
  count: { inc(): void };
  duration: { observe(value: number): void };
  broker: { observe(value: number): void };
  transport: { observe(value: number): void };
  adapter: { observe(value: number): void };
  registry: { observe(value: number): void };
}

/** A consumer's tracking code: visible ASCII, at most 64 characters. */
export const TRACKING_CODE = /^[\x21-\x7E]{1,64}$/;

/**
 * Every request under /v1/inquiries/ is an exchange, whatever becomes of it
 * and however its URL is written: it gets its ID when it arrives, before the
 * body is even parsed, and exactly one traffic record when its answer has
 * gone out.
 */
@Injectable()
export class ExchangeLifecycle {
  private inFlight = 0;
  private readonly series = new Map<string, ExchangeSeries>();
  private idleWaiters: Array<() => void> = [];

  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EXCHANGE_IDS) private readonly ids: ExchangeIdGenerator,
    @Inject(TRAFFIC_SINK) private readonly sink: TrafficSink,
    @Inject(METRICS) private readonly metrics: NixMetrics,
    @Inject(KEY_HASHER) private readonly hasher: KeyHasher,
    @Inject(NIX_CONFIG) private readonly config: NixConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  register(fastify: FastifyInstance): void {
    fastify.decorateRequest('exchange', null);
    fastify.addHook('onRequest', (request, reply, done) => {
      if (!request.exchange && isExchangeRequest(request)) this.begin(request, reply);
      done();
    });
    // Sizes are the bytes actually read and sent, never what a header claims.
    fastify.addHook('preParsing', (request, _reply, payload, done) => {
      const trace = request.exchange;
      if (!trace || !mayCarryBody(request, this.config.http.bodyLimit)) return done(null, payload);
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
      // NIX_LEDGER_DURABILITY=sync: the answer leaves once its record is on disk (a streamed answer is recorded after it).
      const durable = this.config.ledger.durability === 'sync' && sent === payload ? this.end(trace, reply, true) : undefined;
      if (durable) void durable.then(() => done(null, sent));
      else done(null, sent);
    });
    fastify.addHook('onResponse', (request, reply, done) => {
      // A body left unread (415, 413 mid-way) is drained, as Node does for a request nobody read, so that the
      // connection can carry the next request.
      const body = countedBodies.get(request);
      if (body && !request.raw.complete) body.resume();
      if (request.exchange) void this.end(request.exchange, reply, false);
      done();
    });
  }

  /**
   * The metric series of one consumer × service × outcome, looked up once:
   * resolving labels on every observation costs more than the observation.
   */
  private seriesOf(consumer: string, registry: string, service: string, outcome: string): ExchangeSeries {
    const key = `${consumer}\u0000${registry}\u0000${service}\u0000${outcome}`;
    let series = this.series.get(key);
    if (!series) {
      const segment = (name: string) => this.metrics.segmentDuration.labels({ registry, segment: name });
      series = {
        count: this.metrics.inquiries.labels({ consumer, registry, service, outcome }),
        duration: this.metrics.inquiryDuration.labels({ registry, service, outcome }),
        broker: segment('broker'),
        transport: segment('transport'),
        adapter: segment('adapter'),
        registry: segment('registry'),
      };
      this.series.set(key, series);
    }
    return series;
  }

  /** Exchanges received and not yet recorded. */
  get pending(): number {
    return this.inFlight;
  }

  /** Resolves once every exchange received so far is answered and recorded, or after timeoutMs. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
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
    const end = () => void this.end(trace, reply, false);
    reply.raw.once('finish', end);
    reply.raw.once('close', end);
  }

  /** Starts an exchange: its ID, in flight until its record is made. */
  begin(request: FastifyRequest, reply: FastifyReply): ExchangeTrace {
    const trace = new ExchangeTrace(this.ids.next(), this.clock.now());
    request.exchange = trace;
    reply.header('x-exchange-id', trace.exchangeId);
    this.inFlight++;
    const trackingCode = request.headers['x-tracking-code'];
    // Echoed on every answer, problems included, so the consumer can match them (R9).
    if (typeof trackingCode === 'string' && TRACKING_CODE.test(trackingCode)) reply.header('x-tracking-code', trackingCode);
    this.metrics.inFlight.inc();
    return trace;
  }

  private end(trace: ExchangeTrace, reply: FastifyReply, durably: boolean): Promise<void> | undefined {
    if (trace.recorded) return;
    trace.recorded = true;
    this.metrics.inFlight.dec();
    if (--this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    const record = trafficRecordOf(trace, {
      respondedAt: this.clock.now(),
      httpStatus: reply.statusCode,
      responseBytes: trace.responseBytes,
      brokerInstance: this.config.instanceId,
      trackingDigest: trace.consumer && trace.trackingCode ? this.hasher.trackingDigest(trace.consumer, trace.trackingCode) : null,
    });
    let durable: Promise<void> | undefined;
    if (durably && this.sink.recordDurably) durable = this.recordDurably(record);
    else this.sink.record(record);
    const registry = record.registry ?? 'unknown';
    const service = record.service ?? 'unknown';
    const series = this.seriesOf(record.consumer ?? 'unauthenticated', registry, service, record.outcome);
    series.count.inc();
    series.duration.observe((record.respondedAt - record.receivedAt) / 1000);
    series.broker.observe(record.brokerMs / 1000);
    if (record.transportMs !== null) series.transport.observe(record.transportMs / 1000);
    if (record.adapterMs !== null) series.adapter.observe(record.adapterMs / 1000);
    if (record.registryMs !== null) series.registry.observe(record.registryMs / 1000);
    if (this.config.log.exchanges || record.outcome === 'broker-error') {
      const { exchangeId, consumer, outcome, httpStatus, problemType } = record;
      this.logger.info({ exchangeId, consumer, registry, service, outcome, httpStatus, problemType }, 'exchange');
    }
    return durable;
  }

  /** Waits until the record is durable; if the disk refuses it, it stays buffered and the answer goes anyway. */
  private recordDurably(record: TrafficRecord): Promise<void> {
    return this.sink.recordDurably!(record).catch((error: Error) => {
      this.metrics.ledgerWriteFailures.inc();
      this.logger.error({ err: error, exchangeId: record.exchangeId }, 'traffic record could not be synced to the journal before the answer; it stays buffered');
    });
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
