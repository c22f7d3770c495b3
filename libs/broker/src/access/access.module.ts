import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { ConfigurationError, type NixConfig } from '@nix/config';
import type { ContractSet } from '@nix/contracts';
import { bootstrappedFirst, GovernanceRepository, LiveGovernance, QuotaLeases, SqlQuotaCounter } from '@nix/governance';
import type { SqlClient } from '@nix/ledger';
import type { NixMetrics } from '@nix/observability';
import { ClientCertificates, LEDGER_STORE, LOGGER, METRICS, NIX_CONFIG, READINESS_CHECKS, type ReadinessChecks } from '@nix/platform';
import { GovernanceModule } from '../governance/governance.module';
import { AccessService, BEARER_ONLY_ALLOWED, DEMO_COVERAGE, KEY_USE_LOG } from './access.service';
import { KEY_HASHER, NodeKeyHasher } from './key-hasher';

export const CONTRACTS = Symbol('CONTRACTS');

/**
 * Reads the governance state before the broker serves: contracts/ is imported into an empty store first (the
 * bootstrap). A store that cannot be read yet is retried by the poll; until then inquiries get 503.
 */
async function openLiveGovernance(repository: GovernanceRepository, contracts: ContractSet, config: NixConfig, metrics: NixMetrics, logger: Logger): Promise<LiveGovernance> {
  let failing = false;
  // contracts/ is imported into an empty store before the first read, on a repository without listeners.
  const importer = new GovernanceRepository(repository.sql);
  const source = bootstrappedFirst(repository, async () => {
    if (await importer.bootstrap(contracts)) logger.info({ contracts: config.paths.contracts }, 'governance store was empty: contracts imported');
  });
  const live = new LiveGovernance(source, {
    production: config.production,
    pollMs: config.governance.pollMs,
    onLoaded: (snapshot) => {
      metrics.governanceVersion.set(snapshot.version);
      logger.info({ version: snapshot.version, agencies: snapshot.agencies.length, agreements: snapshot.agreements.length }, 'governance state loaded');
      failing = false;
    },
    onError: (error) => {
      metrics.governanceLoadFailures.inc();
      // Once per outage, not once per poll.
      if (!failing) logger.warn({ err: error }, 'the governance state cannot be read; the last one read stays in force');
      failing = true;
    },
  });
  repository.onChange(() => live.refresh());
  await live.refresh();
  return live.start();
}

/** Access control against the live governance state, and cluster-wide quotas. */
@Module({})
export class AccessModule implements OnApplicationShutdown {
  constructor(
    private readonly live: LiveGovernance,
    private readonly quota: QuotaLeases,
    @Inject(READINESS_CHECKS) readiness: ReadinessChecks,
  ) {
    readiness.add({ name: 'governance', probe: () => live.readiness() });
  }

  static forRoot(contracts: ContractSet): DynamicModule {
    return {
      module: AccessModule,
      global: true,
      imports: [GovernanceModule],
      providers: [
        { provide: CONTRACTS, useValue: contracts },
        { provide: KEY_HASHER, inject: [NIX_CONFIG], useFactory: (config: NixConfig) => new NodeKeyHasher(config.ledger.trackingKey ?? missingTrackingKey()) },
        { provide: KEY_USE_LOG, useExisting: GovernanceRepository },
        { provide: DEMO_COVERAGE, inject: [NIX_CONFIG], useFactory: (config: NixConfig) => !config.production },
        { provide: BEARER_ONLY_ALLOWED, inject: [NIX_CONFIG], useFactory: (config: NixConfig) => config.allowBearerOnly },
        { provide: ClientCertificates, inject: [NIX_CONFIG], useFactory: (config: NixConfig) => new ClientCertificates(config.http.trustProxy) },
        { provide: LiveGovernance, inject: [GovernanceRepository, NIX_CONFIG, METRICS, LOGGER], useFactory: (r: GovernanceRepository, c: NixConfig, m: NixMetrics, l: Logger) => openLiveGovernance(r, contracts, c, m, l) },
        {
          provide: QuotaLeases,
          inject: [LEDGER_STORE, METRICS],
          useFactory: (store: SqlClient, metrics: NixMetrics) => new QuotaLeases(new SqlQuotaCounter(store), { offlineGrant: () => metrics.quotaOfflineGrants.inc() }),
        },
        AccessService,
      ],
      exports: [AccessService, ClientCertificates, CONTRACTS, KEY_HASHER, LiveGovernance, GovernanceModule],
    };
  }

  /** After the HTTP listener drained, before the store closes (this module is deeper, so its hook runs first). */
  async onApplicationShutdown(): Promise<void> {
    this.live.stop();
    // What this broker leased and did not use goes back to the cluster's counter.
    await this.quota.releaseAll();
  }
}

function missingTrackingKey(): never {
  throw new ConfigurationError('environment', 'NIX_TRACKING_KEY', 'is required where brokers digest keys and tracking codes');
}
