import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { NixConfig } from '@nix/config';
import { ProblemError } from '@nix/domain';
import { answerProblem, problemBody } from './problem-response';

/** The longest request target (path and query) answered other than 414. */
export const MAX_URL_BYTES = 8 * 1024;
/** The longest path segment the router matches (Fastify's maxParamLength); longer is a 414. */
export const MAX_SEGMENT_LENGTH = 100;
/** How soon a client turned away at shutdown should try again (another instance, or this one restarted). */
const SHUTDOWN_RETRY_AFTER_S = 1;

/** Fastify's request type also serves its pre-routing failures, which may start an exchange. */
export type ExchangeTracker = (request: FastifyRequest, reply: FastifyReply) => void;

/**
 * Everything the HTTP edge answers before NIX's handlers run, as
 * application/problem+json like every other error: requests Node's parser
 * refuses (a malformed request line or header, an unknown method, an
 * over-long URL or header block, a timeout), URLs the router cannot decode
 * or match (a bad % escape, an over-long segment, a URL over 8 KiB), and the
 * 503 a closing instance gives. Every process's HTTP listener uses it.
 */
export class HttpEdge {
  private closing = false;
  private tracker: ExchangeTracker | null = null;

  /** The Fastify options that route its own answers here; the NestJS FastifyAdapter passes them on. */
  serverOptions(config: NixConfig): FastifyServerOptions {
    return {
      bodyLimit: config.http.bodyLimit,
      trustProxy: config.http.trustProxy,
      routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_SEGMENT_LENGTH },
      // Answered by the onRequest hook below, as a problem with Retry-After (and the exchange recorded).
      return503OnClosing: false,
      frameworkErrors: (error, request, reply) => this.onFrameworkError(error, request, reply),
      clientErrorHandler: answerClientError,
    };
  }

  /** Inquiry paths that fail before routing are exchanges too: the broker passes its lifecycle here. */
  trackExchanges(tracker: ExchangeTracker): void {
    this.tracker = tracker;
  }

  /**
   * Adds the hooks; called after the exchange lifecycle registers its own,
   * so that an inquiry turned away here still has its exchange ID and record.
   */
  attach(fastify: FastifyInstance): void {
    // Node answers these itself, outside Fastify: CONNECT by dropping the connection, an Expect
    // other than 100-continue with a bare 417. NIX is no proxy; and an expectation it does not
    // know is ignored (RFC 9110 lets a server do so), the request served like any other.
    fastify.server.on('connect', (_request: unknown, socket: Socket) => {
      writeProblem(socket, new ProblemError('invalid-request', 'CONNECT is not served: the broker is not a proxy.', { errors: [{ pointer: 'method', detail: 'is not served' }] }));
      socket.destroy();
    });
    fastify.server.on('checkExpectation', (request, response) => fastify.server.emit('request', request, response));
    fastify.addHook('preClose', (done) => {
      this.closing = true;
      done();
    });
    fastify.addHook('onRequest', (request, reply, done) => {
      if (this.closing) {
        reply.header('connection', 'close');
        answerProblem(request, reply, new ProblemError('shutting-down', 'This broker instance is shutting down; send the request again.', { retryAfterSeconds: SHUTDOWN_RETRY_AFTER_S }));
        return;
      }
      if (Buffer.byteLength(request.raw.url ?? '') > MAX_URL_BYTES) {
        answerProblem(request, reply, new ProblemError('uri-too-long', `The URL is longer than ${MAX_URL_BYTES} bytes, the most the broker accepts.`));
        return;
      }
      done();
    });
  }

  private onFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
    this.tracker?.(request, reply);
    answerProblem(request, reply, problemOfRoutingFailure(error));
  }
}

function problemOfRoutingFailure(error: FastifyError): ProblemError {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return new ProblemError('invalid-request', 'The path has a malformed percent-escape (% must be followed by two hex digits).', {
        errors: [{ pointer: 'path', detail: 'has a malformed percent-escape' }],
      });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ProblemError('uri-too-long', `A path segment is longer than ${MAX_SEGMENT_LENGTH} characters, the most the broker accepts.`);
    default:
      return new ProblemError('invalid-request', 'The request could not be routed.');
  }
}

/** The problem for a request Node's HTTP parser refused; it never became a request, so it is no exchange. */
export function problemOfClientError(error: { code?: string; rawPacket?: unknown }): ProblemError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW': {
      // The request line alone over the limit is an over-long URL; otherwise the header block is too large.
      const endOfRequestLine = Buffer.isBuffer(error.rawPacket) ? error.rawPacket.indexOf('\n') : 0;
      if (endOfRequestLine < 0 || endOfRequestLine > MAX_URL_BYTES) {
        return new ProblemError('uri-too-long', `The URL is longer than ${MAX_URL_BYTES} bytes, the most the broker accepts.`);
      }
      return new ProblemError('headers-too-large', 'The request headers are larger than the broker accepts (16 KiB in all).');
    }
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'HPE_HEADER_TIMEOUT':
      return new ProblemError('request-timeout', 'The request did not arrive in time.');
    case 'HPE_INVALID_METHOD':
      return new ProblemError('invalid-request', 'The request method is not one HTTP defines.', { errors: [{ pointer: 'method', detail: 'is not an HTTP method' }] });
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return new ProblemError('invalid-request', 'A request header or the body framing is malformed.', { errors: [{ pointer: 'headers', detail: 'are not well-formed HTTP/1.1' }] });
    default:
      return new ProblemError('invalid-request', 'The request is not well-formed HTTP/1.1.');
  }
}

/** Fastify's clientErrorHandler: the same answer as Node's own, in problem+json. */
function answerClientError(error: Error & { code?: string; rawPacket?: unknown }, socket: Socket): void {
  // A reset connection has no one to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // As Node does: never write into an answer already under way on this connection.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (!inFlight?.headersSent) writeProblem(socket, problemOfClientError(error));
  socket.destroy(error);
}

/** A problem written straight to a socket that never became a request. */
function writeProblem(socket: Socket, problem: ProblemError): void {
  if (!socket.writable) return;
  const body = JSON.stringify(problemBody(problem));
  socket.write(
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status]}\r\n` +
      'Content-Type: application/problem+json; charset=utf-8\r\n' +
      'Cache-Control: no-store\r\n' +
      'Connection: close\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
