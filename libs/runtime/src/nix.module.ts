import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { TrafficSink } from '@nix/ledger';
import { AdapterModule, type AdapterOptions } from '@nix/adapter-host';
import { BrokerModule, type BrokerOptions } from '@nix/broker';
import { CoreModule, HealthModule, LedgerModule, MetricsModule, ProblemFilter, type CoreOptions } from '@nix/platform';
import { RecorderModule } from '@nix/recorder';

export interface NixModuleOptions {
  core: CoreOptions;
  /** The HTTP broker, when this process runs it. */
  broker?: BrokerOptions & { sink?: TrafficSink };
  /** Provider adapters, when this process runs them. */
  adapters?: AdapterOptions;
  /** Whether this process runs the traffic recorder (Kafka into the ledger). */
  recorder?: boolean;
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
      imports.push(LedgerModule.forRoot({ sink: options.broker ? options.broker.sink : null, required: !options.broker }));
    }
    if (options.broker) imports.push(BrokerModule.forRoot(options.broker));
    if (options.adapters) imports.push(AdapterModule.forRoot(options.adapters));
    if (options.recorder) imports.push(RecorderModule);
    return {
      module: NixModule,
      global: true,
      imports,
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}
