import { Inject, Injectable } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ANSWERED } from '@nix/domain';
import { ClientCertificates, LOGGER, ProblemFilter } from '@nix/platform';
import { ExchangeHooks } from './exchange-hooks';
import { InquiryRefusal, InquiryService } from './inquiry.service';

/** The inquiry route, as the router matches it. */
export const INQUIRY_ROUTE = '/v1/inquiries/:registry/:service';

type InquiryRequest = FastifyRequest<{ Params: { registry: string; service: string } }>;

/**
 * POST /v1/inquiries/:registry/:service, on Fastify itself rather than as a Nest controller: Nest's router, execution
 * context and response pipeline cost every inquiry CPU for nothing it uses (issue 15). The same logic as any route
 * otherwise: Fastify's hooks (the exchange's), its JSON body parser, and failures answered by the ProblemFilter that
 * answers every Nest route's.
 */
@Injectable()
export class InquiryRoute {
  private readonly problems: ProblemFilter;

  constructor(
    private readonly inquiries: InquiryService,
    private readonly hooks: ExchangeHooks,
    private readonly certificates: ClientCertificates,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.problems = new ProblemFilter(logger);
  }

  /** Adds the route; before the app initialises, so that it is routed like Nest's own. */
  register(fastify: FastifyInstance): void {
    fastify.post(INQUIRY_ROUTE, (request: InquiryRequest, reply) => this.handle(request, reply));
  }

  /** The answer (200, cut down to the agreed items), or a problem. */
  async handle(request: InquiryRequest, reply: FastifyReply): Promise<Record<string, unknown> | FastifyReply> {
    try {
      return await this.inquire(request, reply);
    } catch (error) {
      this.problems.catch(error, new ExecutionContextHost([request, reply]));
      return reply;
    }
  }

  private async inquire(request: InquiryRequest, reply: FastifyReply): Promise<Record<string, unknown>> {
    const headers = request.headers;
    // The hooks start every exchange on arrival; should a URL form ever slip past them, start it here.
    const trace = request.exchange ?? this.hooks.begin(request, reply);
    try {
      const result = await this.inquiries.inquire({
        exchangeId: trace.exchangeId,
        registry: request.params.registry,
        service: request.params.service,
        authorization: headers.authorization,
        purpose: headers['x-purpose'] as string | undefined,
        trackingCode: headers['x-tracking-code'] as string | undefined,
        clientIp: request.ip,
        clientCertificate: this.certificates.presentedBy(request),
        headers,
        body: request.body,
      });
      trace.settle(result.facts, ANSWERED);
      reply.header('cache-control', 'no-store');
      reply.header('x-quota-limit', String(result.quotaLimit));
      reply.header('x-quota-remaining', String(result.quotaRemaining));
      for (const [name, value] of Object.entries(result.headers)) reply.header(name, value);
      return result.answer;
    } catch (error) {
      // The problem filter answers it; the record keeps what was learned before the refusal.
      if (error instanceof InquiryRefusal) trace.settle(error.facts, error);
      throw error;
    }
  }
}
