import { Module, type DynamicModule } from '@nestjs/common';
import type { ContractSet } from '@nix/contracts';
import type { InquiryClient } from '@nix/messaging';
import { MessagingModule } from '@nix/platform';
import { AccessModule } from './access/access.module';
import { BackupModule } from './backup/backup.module';
import { CatalogModule } from './catalog/catalog.module';
import { CatalogueModule } from './catalogue/catalogue.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { ExchangesModule } from './exchanges/exchanges.module';
import { GovernanceModule } from './governance/governance.module';
import { InquiryModule } from './inquiry/inquiry.module';
import { NotificationsModule } from './notifications/notifications.module';
import { ProblemsModule } from './problems/problems.module';
import { ProbeModule } from './probes/probe.module';
import { ReportsModule } from './reports/reports.module';
import { StatusModule } from './status/status.module';

export interface BrokerOptions {
  contracts: ContractSet;
  /** The transport client that carries inquiries to the adapters. */
  client: InquiryClient;
}

/** The broker: inquiry API, catalogue, access control, public status. It records into the ledger module of its process. */
@Module({})
export class BrokerModule {
  static forRoot(options: BrokerOptions): DynamicModule {
    return {
      module: BrokerModule,
      imports: [
        GovernanceModule,
        AccessModule.forRoot(options.contracts),
        MessagingModule.forClient(options.client),
        CatalogueModule,
        CatalogModule,
        InquiryModule,
        NotificationsModule,
        ProblemsModule,
        ReportsModule,
        ExchangesModule,
        DashboardModule,
        StatusModule,
        BackupModule,
        ProbeModule,
      ],
    };
  }
}
