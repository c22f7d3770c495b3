import { Module } from '@nestjs/common';
import { MetricsListener } from './metrics-listener';

/** Metrics on their own listener (MetricsListener); nothing on the API port. */
@Module({ providers: [MetricsListener], exports: [MetricsListener] })
export class MetricsModule {}
