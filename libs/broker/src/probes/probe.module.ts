import { Module } from '@nestjs/common';
import { GovernanceModule } from '../governance/governance.module';
import { InquiryModule } from '../inquiry/inquiry.module';
import { ProbeResults } from './probe-results';
import { ProbeService } from './probe.service';

/** Synthetic probes (R17): ProbeService calls every published service; ProbeResults keeps the last result for the status. */
@Module({
  imports: [InquiryModule, GovernanceModule],
  providers: [ProbeResults, ProbeService],
  exports: [ProbeResults, ProbeService],
})
export class ProbeModule {}
