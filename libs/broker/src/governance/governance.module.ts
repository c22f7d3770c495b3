import { Module } from '@nestjs/common';
import { GovernanceRepository } from '@nix/governance';
import type { SqlClient } from '@nix/ledger';
import { LEDGER_STORE } from '@nix/platform';

/** Governance state (agencies, keys, agreements, requests, decisions, disputes, audit) in the ledger's store. */
@Module({
  providers: [{ provide: GovernanceRepository, inject: [LEDGER_STORE], useFactory: (store: SqlClient) => new GovernanceRepository(store) }],
  exports: [GovernanceRepository],
})
export class GovernanceModule {}
