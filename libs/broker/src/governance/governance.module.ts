import { Module } from '@nestjs/common';
import { GovernanceRepository } from '@nix/governance';
import type { SqlClient } from '@nix/ledger';
import { LEDGER_STORE } from '@nix/platform';
import { AccessRequestsController } from './access-requests.controller';
import { AgenciesController } from './agencies.controller';
import { AgreementsController } from './agreements.controller';
import { AuditController } from './audit.controller';
import { CallerController } from './caller.controller';
import { GovernanceCaller } from './governance-caller';
import { GovernanceSql } from './governance-sql';
import { GovernanceService } from './governance.service';
import { EVENT_TYPES, EVENT_TYPES_PROVIDER } from '../notifications/event-types.token';
import { DisputesController, ServiceRequestsController } from './working-group.controller';

/**
 * Governance state (agencies, keys, agreements, requests, decisions, disputes, audit) in the ledger's store, and
 * its HTTP API (issue 11): thin controllers over the repository, which guards and audits every change.
 */
@Module({
  controllers: [CallerController, AgreementsController, AgenciesController, AccessRequestsController, ServiceRequestsController, DisputesController, AuditController],
  providers: [
    { provide: GovernanceRepository, inject: [LEDGER_STORE], useFactory: (store: SqlClient) => new GovernanceRepository(new GovernanceSql(store)) },
    GovernanceCaller,
    GovernanceService,
    EVENT_TYPES_PROVIDER,
  ],
  exports: [GovernanceRepository, GovernanceCaller, EVENT_TYPES],
})
export class GovernanceModule {}
