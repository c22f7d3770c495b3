import { Module, type DynamicModule } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import type { ContractSet } from '@nix/contracts';
import { AccessModule } from './access/access.module';
import { CatalogModule } from './catalog/catalog.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { InquiryModule } from './inquiry/inquiry.module';
import { MessagingModule } from './messaging/messaging.module';
import { ProblemsModule } from './problems/problems.module';
import { ReportsModule } from './reports/reports.module';

export interface BrokerOptions {
  contracts: ContractSet;
  /** The transport client that carries inquiries to the adapters. */
  client: ClientProxy;
}

/** The broker: inquiry API, catalogue, access control. It records into the ledger module of its process. */
@Module({})
export class BrokerModule {
  static forRoot(options: BrokerOptions): DynamicModule {
    return {
      module: BrokerModule,
      imports: [
        AccessModule.forRoot(options.contracts),
        MessagingModule.forClient(options.client),
        CatalogModule,
        InquiryModule,
        ProblemsModule,
        ReportsModule,
        DashboardModule,
      ],
    };
  }
}
