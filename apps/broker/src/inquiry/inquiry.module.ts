import { Global, Module } from '@nestjs/common';
import { ExchangeLifecycle } from './exchange-lifecycle';
import { InquiryController } from './inquiry.controller';
import { InquiryService } from './inquiry.service';
import { RegistryGuards } from './registry-guards';

// Global so that readiness can report the registry breakers.
@Global()
@Module({
  controllers: [InquiryController],
  providers: [InquiryService, ExchangeLifecycle, RegistryGuards],
  exports: [ExchangeLifecycle, RegistryGuards],
})
export class InquiryModule {}
