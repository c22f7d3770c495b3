import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ExchangeLifecycle } from './exchange-lifecycle';
import { InquiryService } from './inquiry.service';

@Controller('v1/inquiries')
export class InquiryController {
  constructor(
    private readonly inquiries: InquiryService,
    private readonly lifecycle: ExchangeLifecycle,
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
    // The lifecycle starts every exchange on arrival; should a URL form ever slip past it, start it here.
    const trace = request.exchange ?? this.lifecycle.begin(request, reply);
    const result = await this.inquiries.inquire(trace, {
      registry,
      service,
      authorization: headers.authorization,
      purpose: headers['x-purpose'] as string | undefined,
      trackingCode: headers['x-tracking-code'] as string | undefined,
      clientIp: request.ip,
      headers,
      body,
    });
    reply.header('cache-control', 'no-store');
    reply.header('x-quota-limit', String(result.quotaLimit));
    reply.header('x-quota-remaining', String(result.quotaRemaining));
    return result.answer;
  }
}
