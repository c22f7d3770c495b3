import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { CatalogService } from '../catalog/catalog.service';
import { InquiryModule } from '../inquiry/inquiry.module';
import { ALWAYS_OPEN_NOTICES } from './service-status';
import { StatusController } from './status.controller';
import { catalogListing, LISTED_SERVICES, SERVICE_NOTICES, StatusService } from './status.service';

/** Public status (R15): GET /v1/status and the /status page. */
@Module({
  imports: [CatalogModule, InquiryModule],
  controllers: [StatusController],
  providers: [
    StatusService,
    { provide: SERVICE_NOTICES, useValue: ALWAYS_OPEN_NOTICES },
    { provide: LISTED_SERVICES, useFactory: catalogListing, inject: [CatalogService] },
  ],
})
export class StatusModule {}
