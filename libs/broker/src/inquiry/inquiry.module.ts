import { Module } from '@nestjs/common';
import { ExchangeLifecycle } from './exchange-lifecycle';
import { InquiryController } from './inquiry.controller';
import { InquiryService } from './inquiry.service';
import { RegistryBreakers } from './registry-breakers';

@Module({
  controllers: [InquiryController],
  providers: [InquiryService, ExchangeLifecycle, RegistryBreakers],
  exports: [ExchangeLifecycle],
})
export class InquiryModule {}
