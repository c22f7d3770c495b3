import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { NixMetrics } from '@nix/observability';
import { METRICS } from '../core/tokens';

/** Prometheus scrapes this. */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS) private readonly metrics: NixMetrics) {}

  @Get()
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const text = await this.metrics.registry.metrics();
    reply.header('content-type', this.metrics.registry.contentType).send(text);
  }
}
