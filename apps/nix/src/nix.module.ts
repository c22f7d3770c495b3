import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { TrafficSink } from '@nix/ledger';
import { AdapterModule, type AdapterOptions } from '@nix/apps/adapter/src/adapter.module';
import { BrokerModule, type BrokerOptions } from '@nix/apps/broker/src/broker.module';
import { CoreModule, type CoreOptions } from '@nix/apps/broker/src/core/core.module';
import { ProblemFilter } from '@nix/apps/broker/src/http/problem.filter';
import { LedgerModule } from '@nix/apps/broker/src/ledger/ledger.module';
import { MetricsModule } from '@nix/apps/broker/src/metrics/metrics.module';
import { RecorderModule } from '@nix/apps/recorder/src/recorder.module';
import type { ITopicConfig, Kafka } from 'kafkajs';
import { HealthModule } from './health/health.module';
import { INQUIRY_SERVER } from './health/readiness.service';

export interface NixModuleOptions {
  core: CoreOptions;
  /** The HTTP broker, when this process runs it. */
  broker?: BrokerOptions & { sink?: TrafficSink };
  /** Provider adapters, when this process runs them. */
  adapters?: AdapterOptions;
  /** The transport server of the adapters, for readiness. */
  server?: unknown;
  /** The traffic recorder (Kafka into the ledger), when this process runs it. */
  recorder?: { kafka: Kafka; topic: ITopicConfig; groupId: string };
}

/**
 * One NIX process: the parts it runs (broker, adapters, recorder) on a
 * shared core, each process serving metrics and health over HTTP.
 */
@Module({})
export class NixModule {
  static forRoot(options: NixModuleOptions): DynamicModule {
    const imports: NonNullable<ModuleMetadata['imports']> = [
      CoreModule.forRoot(options.core),
      MetricsModule,
      HealthModule,
    ];
    if (options.broker || options.recorder) {
      imports.push(LedgerModule.forRoot({ sink: options.broker ? options.broker.sink : null }));
    }
    if (options.broker) imports.push(BrokerModule.forRoot(options.broker));
    if (options.adapters) imports.push(AdapterModule.forRegistries(options.adapters));
    if (options.recorder) imports.push(RecorderModule.forKafka(options.recorder.kafka, options.recorder.topic, options.recorder.groupId));
    return {
      module: NixModule,
      global: true,
      imports,
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }, { provide: INQUIRY_SERVER, useValue: options.server ?? null }],
      exports: [INQUIRY_SERVER],
    };
  }
}
