import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { READINESS_CHECKS, ReadinessChecks } from './readiness-checks';
import { ReadinessService } from './readiness.service';

/** /health/live and /health/ready; every role registers its readiness checks in READINESS_CHECKS. */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  // A registry per app: a test process builds many.
  providers: [ReadinessService, { provide: READINESS_CHECKS, useFactory: () => new ReadinessChecks() }],
  exports: [READINESS_CHECKS],
})
export class HealthModule {}
