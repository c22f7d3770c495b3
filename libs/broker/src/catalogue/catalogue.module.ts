import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { CatalogueRepository, type CatalogueSnapshot, type CatalogueState, type LiveCatalog } from '@nix/catalog';
import type { NixConfig } from '@nix/config';
import type { LiveState } from '@nix/governance';
import type { SqlClient } from '@nix/ledger';
import { followCatalogue, LEDGER_STORE, LOGGER, NIX_CONFIG, READINESS_CHECKS, SERVICE_CATALOG, type ReadinessChecks } from '@nix/platform';
import { GovernanceModule } from '../governance/governance.module';
import { GovernanceSql } from '../governance/governance-sql';
import { BINDING_CHECK, CatalogueController } from './catalogue.controller';
import { serviceBindingCheck } from './service-binding-check';

const LIVE_CATALOGUE = Symbol('LIVE_CATALOGUE');

/** The service catalogue in the store: publishing, and the live snapshot every part of the broker serves from. */
@Module({
  imports: [GovernanceModule],
  controllers: [CatalogueController],
  providers: [
    { provide: CatalogueRepository, inject: [LEDGER_STORE], useFactory: (store: SqlClient) => new CatalogueRepository(new GovernanceSql(store)) },
    { provide: BINDING_CHECK, inject: [NIX_CONFIG], useFactory: (config: NixConfig) => serviceBindingCheck(config.credentials) },
    {
      provide: LIVE_CATALOGUE,
      inject: [CatalogueRepository, SERVICE_CATALOG, NIX_CONFIG, LOGGER],
      useFactory: (repository: CatalogueRepository, catalog: LiveCatalog, config: NixConfig, logger: Logger) => followCatalogue(repository, catalog, { pollMs: config.governance.pollMs, logger, bootstrap: true }),
    },
  ],
  exports: [CatalogueRepository],
})
export class CatalogueModule implements OnApplicationShutdown {
  constructor(
    @Inject(LIVE_CATALOGUE) private readonly live: LiveState<CatalogueState, CatalogueSnapshot>,
    @Inject(READINESS_CHECKS) readiness: ReadinessChecks,
  ) {
    readiness.add({ name: 'catalogue', probe: () => live.readiness() });
  }

  onApplicationShutdown(): void {
    this.live.stop();
  }
}
