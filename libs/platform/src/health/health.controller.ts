import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { ReadinessService } from './readiness.service';

/** Liveness and readiness for orchestrators and load balancers. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessService,
  ) {}

  /** The process answers: its event loop turns. */
  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /** The process can do its job now (503 when it cannot), with the state of each part. */
  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    try {
      return await this.health.check(this.readiness.checks());
    } catch (error) {
      // Terminus says "not ready" by throwing; that is an answer, not a failure of the broker.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      reply.status(503).header('cache-control', 'no-store');
      return error.getResponse() as HealthCheckResult;
    }
  }
}
