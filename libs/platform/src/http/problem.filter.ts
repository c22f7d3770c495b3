import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from '@nix/domain';
import { catalogueProblemOf } from '@nix/catalog';
import { governanceProblemOf } from '@nix/governance';
import type { Logger } from 'pino';
import { LOGGER } from '../core/tokens';
import { answerProblem, problemOfHttpFailure } from './problem-response';

/** Every failure of an HTTP handler leaves as application/problem+json, and marks the exchange's outcome. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    answerProblem(request, reply, this.problemOf(error, request));
  }

  private problemOf(error: unknown, request: FastifyRequest): ProblemError {
    if (error instanceof ProblemError) return error;
    const domain = governanceProblemOf(error) ?? catalogueProblemOf(error);
    if (domain) return domain;
    const path = `${request.method} ${request.url.split('?')[0]}`;
    if (error instanceof HttpException && error.getStatus() < 500) return problemOfHttpFailure(error.getStatus(), error.message, path);
    if (isFastifyError(error) && error.statusCode! < 500) return problemOfHttpFailure(error.statusCode!, error.message, path);
    this.logger.error({ err: error, exchangeId: request.exchange?.exchangeId, route: request.routeOptions?.url }, 'unexpected failure');
    return new ProblemError('internal-error', 'The broker failed unexpectedly; the failure is logged under this exchange ID.');
  }
}

/** Failures of Fastify's own parsing and limits, which Nest routes to this filter too. */
function isFastifyError(error: unknown): error is FastifyError {
  const e = error as FastifyError;
  return !!e && typeof e.code === 'string' && e.code.startsWith('FST_') && typeof e.statusCode === 'number';
}
