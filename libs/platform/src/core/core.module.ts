import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { CatalogView } from '@nix/catalog';
import type { NixConfig } from '@nix/config';
import type { Clock } from '@nix/domain';
import { NixMetrics } from '@nix/observability';
import { CLOCK, EXCHANGE_IDS, LOGGER, METRICS, NIX_CONFIG, SERVICE_CATALOG } from './tokens';
import { UuidV7ExchangeIds } from './uuid-exchange-ids';

export interface CoreOptions {
  config: NixConfig;
  catalog: CatalogView;
  logger: Logger;
  metrics: NixMetrics;
  /** The process's one clock: the parts built before Nest (transports, the Kafka sink) read the same one. */
  clock: Clock;
}

/** The configuration, ports and catalog every part of a NIX process shares. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(options: CoreOptions): DynamicModule {
    const providers = [
      { provide: NIX_CONFIG, useValue: options.config },
      { provide: LOGGER, useValue: options.logger },
      { provide: METRICS, useValue: options.metrics },
      { provide: CLOCK, useValue: options.clock },
      { provide: EXCHANGE_IDS, useClass: UuidV7ExchangeIds },
      { provide: SERVICE_CATALOG, useValue: options.catalog },
    ];
    return { module: CoreModule, providers, exports: providers.map((p) => p.provide) };
  }
}
