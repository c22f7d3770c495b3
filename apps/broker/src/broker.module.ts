import { Module, RequestMethod, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { ClientProxy } from '@nestjs/microservices';
import { LoggerModule } from 'nestjs-pino';
import type { ContractSet } from '@nix/contracts';
import type { TrafficSink } from '@nix/ledger';
import { AccessModule } from './access/access.module';
import { CatalogModule } from './catalog/catalog.module';
import { CoreModule, type CoreOptions } from './core/core.module';
import { ProblemFilter } from './http/problem.filter';
import { InquiryModule } from './inquiry/inquiry.module';
import { LedgerModule } from './ledger/ledger.module';
import { MessagingModule } from './messaging/messaging.module';
import { MetricsModule } from './metrics/metrics.module';
import { ProblemsModule } from './problems/problems.module';

export interface BrokerOptions extends CoreOptions {
  contracts: ContractSet;
  /** The transport client that carries inquiries to the adapters. */
  client: ClientProxy;
  /** Replaces the ledger writer (the Kafka publisher, or a memory sink in tests). */
  sink?: TrafficSink;
  /** Further modules of the process, e.g. the adapters in the embedded default. */
  imports?: ModuleMetadata['imports'];
}

/** The broker: inquiry API, catalogue, access control, metrics. */
@Module({})
export class BrokerModule {
  static forRoot(options: BrokerOptions): DynamicModule {
    return {
      module: BrokerModule,
      imports: [
        CoreModule.forRoot(options),
        LoggerModule.forRoot({
          pinoHttp: { logger: options.logger, autoLogging: false, quietReqLogger: true },
          // The inquiry path logs through the exchange lifecycle, not per request.
          exclude: [{ path: 'v1/inquiries/*path', method: RequestMethod.ALL }],
        }),
        AccessModule.forRoot(options.contracts),
        MessagingModule.forClient(options.client),
        LedgerModule.forRoot({ sink: options.sink }),
        CatalogModule,
        InquiryModule,
        ProblemsModule,
        MetricsModule,
        ...(options.imports ?? []),
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}
