import { Module } from '@nestjs/common';
import { SERVICE_CATALOG } from '@nix/platform';
import { InquiryModule } from '../inquiry/inquiry.module';
import { ProbeModule } from '../probes/probe.module';
import { catalogueListing, catalogueNotices } from './catalogue-notices';
import { StatusController } from './status.controller';
import { LISTED_SERVICES, SERVICE_NOTICES, StatusService } from './status.service';

/** Public status (R15): GET /v1/status and the /status page. */
@Module({
  imports: [InquiryModule, ProbeModule],
  controllers: [StatusController],
  providers: [
    StatusService,
    { provide: SERVICE_NOTICES, useFactory: catalogueNotices, inject: [SERVICE_CATALOG] },
    { provide: LISTED_SERVICES, useFactory: catalogueListing, inject: [SERVICE_CATALOG] },
  ],
})
export class StatusModule {}
