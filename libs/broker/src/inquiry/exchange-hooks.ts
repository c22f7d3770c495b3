import { Readable, Transform, pipeline } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError, type ExchangeTrace } from '@nix/domain';
import { answerProblem } from '@nix/platform';
import { newSalt, RECEIPT_HEADER, receiptDigestOf, saltedDigestOfParts, type ReceiptClaims } from '../receipts/receipt';
import type { ReceiptKeys } from '../receipts/receipt-keys';
import type { ExchangeRecorder } from './exchange-recorder';
import { isExchangeRequest, TRACKING_CODE } from './exchange-requests';
import type { AdmissionDecision, InquiryAdmission } from './inquiry-admission';

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

/** How soon a shed client should try again. */
const OVERLOADED_RETRY_AFTER_S = 1;

/** The answers of shed inquiries, made once: shedding must cost little (an Error's stack is not free). */
const OVERLOADED: Record<Exclude<AdmissionDecision, 'admitted'>, ProblemError> = {
  'in-flight-limit': new ProblemError('overloaded', 'This broker instance is at its limit of inquiries in flight; send the request again shortly.', { retryAfterSeconds: OVERLOADED_RETRY_AFTER_S }),
  'queue-delay': new ProblemError('overloaded', 'This broker instance is saturated: the inquiry waited too long to be read; send the request again shortly.', { retryAfterSeconds: OVERLOADED_RETRY_AFTER_S }),
};

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
    private readonly receiptKeys: ReceiptKeys,
    private readonly clock: { now(): number },
    private readonly admission: Pick<InquiryAdmission, 'decide'>,
  ) {}

  register(fastify: FastifyInstance): void {
    fastify.decorateRequest('exchange', null);
    fastify.addHook('onRequest', (request, reply, done) => {
      if (!request.exchange && isExchangeRequest(request)) {
        this.begin(request, reply);
        // Shed rather than queue past saturation: a fast answer, and the exchange still recorded (onResponse).
        const decision = this.admission.decide(this.recorder.inFlightCount);
        if (decision !== 'admitted') {
          answerProblem(request, reply, OVERLOADED[decision]);
          return;
        }
      }
      done();
    });
    fastify.addHook('preParsing', (request, _reply, payload, done) => {
      const trace = request.exchange;
      // The body's bytes are seen by a listener of their own, beside the parser's (which attaches in the same tick,
      // before the stream flows): no stream in between. A body nobody parses (a 415) flows through it and is drained.
      if (trace && mayCarryBody(request, this.settings.bodyLimit)) payload.on('data', bodyWatcher(trace));
      done(null, payload);
    });
    fastify.addHook('onSend', (request, reply, payload, done) => {
      const trace = request.exchange;
      if (!trace) return done(null, payload);
      let sent = payload;
      if (typeof payload === 'string') trace.responseBytes = Buffer.byteLength(payload);
      else if (Buffer.isBuffer(payload)) trace.responseBytes = payload.length;
      else if (payload instanceof Readable) sent = counted(payload, (chunk) => (trace.responseBytes += chunk.length));
      const send = () => {
        // The answer leaves once its record is on disk (a streamed answer is recorded after it).
        const durable = this.settings.durableAnswers && sent === payload ? this.recorder.finish(trace, { httpStatus: reply.statusCode, durably: true }) : undefined;
        if (durable) void durable.then(() => done(null, sent));
        else done(null, sent);
      };
      // A streamed answer cannot be digested before its header goes: inquiry answers and problems are whole bodies.
      if (sent !== payload) return send();
      try {
        this.sign(trace, reply, payload as string | Buffer | null | undefined);
      } catch (error) {
        this.recorder.receiptFailed(trace, error as Error);
      }
      send();
    });
    fastify.addHook('onResponse', (request, reply, done) => {
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

  /**
   * Signs the receipt of an answer about to leave and puts it in NIX-Receipt; the record keeps only its digest.
   * The request digest covers the body bytes read, as they came over the wire.
   */
  private sign(trace: ExchangeTrace, reply: FastifyReply, payload: string | Buffer | null | undefined): void {
    const receipt = receipts.get(trace) ?? freshReceipt();
    receipt.sealed = true;
    const { facts } = trace;
    const ending = this.recorder.endingOf(trace);
    const claims: ReceiptClaims = {
      iss: this.recorder.instanceId,
      exchangeId: trace.exchangeId,
      trackingDigest: this.recorder.trackingDigestOf(trace),
      consumer: facts.consumer ?? null,
      custodian: facts.custodian ?? null,
      registry: facts.registry ?? null,
      service: facts.service ?? null,
      serviceVersion: facts.serviceVersion ?? null,
      purpose: facts.purpose ?? null,
      agreement: facts.agreement ?? null,
      outcome: ending.outcome,
      problemType: ending.problemType,
      httpStatus: reply.statusCode,
      receivedAt: new Date(trace.receivedAt).toISOString(),
      respondedAt: new Date(this.clock.now()).toISOString(),
      salt: receipt.salt.toString('base64url'),
      requestDigest: saltedDigestOfParts(receipt.salt, receipt.requestParts),
      answerDigest: saltedDigestOfParts(receipt.salt, payload ? [typeof payload === 'string' ? Buffer.from(payload) : payload] : []),
    };
    const jws = this.receiptKeys.sign(claims);
    reply.header(RECEIPT_HEADER, jws);
    trace.receiptDigest = receiptDigestOf(jws);
  }

  /** Starts the exchange of a request: its ID on the answer, and the tracking code echoed. */
  begin(request: FastifyRequest, reply: FastifyReply): ExchangeTrace {
    const trace = this.recorder.begin();
    receipts.set(trace, freshReceipt());
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

/** The salt of each exchange's receipt and the request body's bytes read so far. */
const receipts = new WeakMap<ExchangeTrace, ReceiptInProgress>();

/**
 * A receipt being made: its salt, the request body's chunks read before it is signed (digested then, in one call: a
 * body is at most the body limit, and the parser holds the same bytes meanwhile), and whether it was signed.
 */
interface ReceiptInProgress {
  salt: Buffer;
  requestParts: Buffer[];
  sealed: boolean;
}

function freshReceipt(): ReceiptInProgress {
  return { salt: newSalt(), requestParts: [], sealed: false };
}

/** Whether the body may be read: a body over the limit by its Content-Length is refused unread (413). */
function mayCarryBody(request: FastifyRequest, bodyLimit: number): boolean {
  const length = request.headers['content-length'];
  if (length !== undefined) return Number(length) > 0 && Number(length) <= bodyLimit;
  return request.headers['transfer-encoding'] !== undefined;
}

/** Counts the request body's bytes as they are read, and digests those read before the receipt is sealed. */
function bodyWatcher(trace: ExchangeTrace): (chunk: Buffer | string) => void {
  const receipt = receipts.get(trace);
  return (chunk) => {
    // Buffers as they came over the wire: the JSON parser reads buffers (configureHttp), so no decoder sits in between.
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    trace.requestBytes += bytes.length;
    // Bytes drained after the answer (a 415 left unread) are not in the receipt, which was signed before them.
    if (receipt && !receipt.sealed) receipt.requestParts.push(bytes);
  };
}

/** The same bytes, seen (counted) as they pass. */
function counted(source: NodeJS.ReadableStream, see: (chunk: Buffer) => void): Readable {
  const counter = new Transform({
    transform(chunk: Buffer | string, _encoding, callback) {
      see(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
      callback(null, chunk);
    },
  });
  pipeline(source, counter, () => undefined);
  return counter;
}
