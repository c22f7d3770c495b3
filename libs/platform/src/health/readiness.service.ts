import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorFunction } from '@nestjs/terminus';
import { READINESS_CHECKS, type ReadinessChecks } from './readiness-checks';

/**
 * Readiness of whatever this process runs: each role registered its checks
 * (READINESS_CHECKS). Only what stops the process from doing its job makes it
 * unready; breakers, missing adapters of one registry and a ledger that
 * buffers are reported but leave it serving, so one failing registry never
 * takes the whole broker out of the balancer.
 */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly indicator: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly registered: ReadinessChecks,
  ) {}

  checks(): HealthIndicatorFunction[] {
    return this.registered.list().map((check) => async () => {
      const indicator = this.indicator.check(check.name);
      const report = await check.probe();
      return report.up ? indicator.up(report.details) : indicator.down(report.details);
    });
  }
}
