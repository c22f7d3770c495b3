import { Module } from '@nestjs/common';
import { GovernanceModule } from '../governance/governance.module';
import { ExchangesController } from './exchanges.controller';
import { ExchangesRepository } from './exchanges.repository';

/** Tracking end to end (R9): GET /v1/exchanges, from the traffic ledger. */
@Module({
  imports: [GovernanceModule],
  controllers: [ExchangesController],
  providers: [ExchangesRepository],
})
export class ExchangesModule {}
