import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError, type ProblemDetails } from '@nix/domain';

/** The most field errors one answer lists; the rest are counted in errorsOmitted. */
export const MAX_FIELD_ERRORS = 20;

/**
 * A problem's body (RFC 9457), with its field errors capped: a body full of
 * mistakes must not make an answer many times its own size.
 */
export function problemBody(problem: ProblemError, exchangeId?: string): ProblemDetails {
  const details = problem.toDetails(exchangeId);
  if (Array.isArray(details.errors) && details.errors.length > MAX_FIELD_ERRORS) {
    return { ...details, errors: details.errors.slice(0, MAX_FIELD_ERRORS), errorsOmitted: details.errors.length - MAX_FIELD_ERRORS };
  }
  return details;
}

/** Answers with application/problem+json (RFC 9457), with the headers each status needs. */
export function sendProblem(reply: FastifyReply, problem: ProblemError, exchangeId?: string): FastifyReply {
  if (problem.extras.retryAfterSeconds !== undefined) reply.header('retry-after', String(problem.extras.retryAfterSeconds));
  if (problem.status === 401) reply.header('www-authenticate', 'Bearer realm="nix"');
  if (problem.status === 405 && typeof problem.extras.allow === 'string') reply.header('allow', problem.extras.allow);
  return reply
    .code(problem.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(JSON.stringify(problemBody(problem, exchangeId)));
}

/** Ends a request with a problem: marks its exchange's outcome, if it is one, and answers. */
export function answerProblem(request: FastifyRequest, reply: FastifyReply, problem: ProblemError): FastifyReply {
  const trace = request.exchange;
  if (trace) {
    trace.outcome = problem.outcome;
    trace.problemType = problem.problemType;
  }
  return sendProblem(reply, problem, trace?.exchangeId);
}

/**
 * What the HTTP layer's own failures (Fastify's parsing and limits, Nest's
 * routing) mean to a consumer. Nest hands them over as an HTTP status and
 * Fastify's message, so the status decides.
 */
export function problemOfHttpFailure(status: number, message: string, path: string): ProblemError {
  switch (status) {
    case 404:
      return new ProblemError('not-found', `Nothing is served at ${path}.`);
    case 405:
      return new ProblemError('method-not-allowed', `The method is not allowed at ${path}.`);
    case 408:
      return new ProblemError('request-timeout', 'The request did not arrive in time.');
    case 413:
      return new ProblemError('payload-too-large', 'The body is larger than 64 KiB, the most an inquiry may carry.');
    case 414:
      return new ProblemError('uri-too-long', 'The URL is longer than the broker accepts.');
    case 415:
      return new ProblemError('unsupported-media-type', 'Send the inquiry as Content-Type: application/json.');
    case 431:
      return new ProblemError('headers-too-large', 'The request headers are larger than the broker accepts.');
  }
  if (status === 400 && /JSON|body/i.test(message)) {
    const empty = /empty/i.test(message);
    return new ProblemError('malformed-json', empty ? 'The body is empty; send the inquiry as a JSON object.' : 'The body is not well-formed JSON.', {
      errors: [{ pointer: '', detail: empty ? 'a JSON object is required' : 'is not valid JSON' }],
    });
  }
  if (status >= 400 && status < 500) return new ProblemError('invalid-request', message.replace(/\s+/g, ' ').slice(0, 200));
  return new ProblemError('internal-error', 'The broker failed unexpectedly; the failure is logged under this exchange ID.');
}
