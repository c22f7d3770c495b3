import { Module } from '@nestjs/common';
import type { SqlClient } from '@nix/ledger';
import { NotificationStore } from '@nix/notifications';
import { LEDGER_STORE } from '@nix/platform';
import { GovernanceModule } from '../governance/governance.module';
import { PdfPrinter } from './pdf-printer';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';
import { ReportsService } from './reports.service';

/** Usage, service-level and compliance reports, and each agency's printable report, from the ledger's rollups and the agreements in the governance store. */
@Module({
  imports: [GovernanceModule],
  controllers: [ReportsController],
  providers: [
    ReportsRepository,
    ReportsService,
    PdfPrinter,
    { provide: NotificationStore, inject: [LEDGER_STORE], useFactory: (store: SqlClient) => new NotificationStore(store) },
  ],
  exports: [ReportsService, ReportsRepository],
})
export class ReportsModule {}
