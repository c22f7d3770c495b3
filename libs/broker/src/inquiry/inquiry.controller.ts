import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ANSWERED } from '@nix/domain';
import { ClientCertificates } from '@nix/platform';
import { ExchangeHooks } from './exchange-hooks';
import { InquiryRefusal, InquiryService } from './inquiry.service';

@Controller('v1/inquiries')
export class InquiryController {
  constructor(
    private readonly inquiries: InquiryService,
    private readonly hooks: ExchangeHooks,
    private readonly certificates: ClientCertificates,
  ) {}

  @Post(':registry/:service')
  @HttpCode(200)
  async inquire(
    @Param('registry') registry: string,
    @Param('service') service: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const headers = request.headers;
    // The hooks start every exchange on arrival; should a URL form ever slip past them, start it here.
    const trace = request.exchange ?? this.hooks.begin(request, reply);
    try {
      const result = await this.inquiries.inquire({
        exchangeId: trace.exchangeId,
        registry,
        service,
        authorization: headers.authorization,
        purpose: headers['x-purpose'] as string | undefined,
        trackingCode: headers['x-tracking-code'] as string | undefined,
        clientIp: request.ip,
        clientCertificate: this.certificates.presentedBy(request),
        headers,
        body,
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
