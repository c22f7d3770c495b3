import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { NixConfig } from '@nix/config';
import type { Clock } from '@nix/domain';
import type { InquiryServer } from '@nix/messaging';
import type { NixMetrics } from '@nix/observability';
import type { Logger } from 'pino';
import { CatalogueRepository, type LiveCatalog } from '@nix/catalog';
import { PgSqlClient } from '@nix/ledger';
import { CLOCK, followCatalogue, LOGGER, METRICS, NIX_CONFIG, READINESS_CHECKS, SERVICE_CATALOG, type ReadinessChecks } from '@nix/platform';
import { AdapterHost, buildAdapter, type BuiltAdapter } from '@nix/registries';
import { breakerMetrics, CircuitBreakers } from '@nix/resilience';
import { adapterControllerFor } from './adapter-controller';
import { PublishedBindings } from './published-bindings';
import type { ServedRegistry } from './served-registries';

export interface AdapterOptions {
  /** The registries this process serves, checked at start (see servedRegistries). */
  registries: readonly ServedRegistry[];
  /** The transport server that brings the adapters their inquiries. */
  server: InquiryServer;
  /**
   * Follow the store's catalogue here (an adapter process without the broker, with DATABASE_URL): services published
   * with an http binding are then served from the moment they are published. With the broker in the process, the
   * broker's catalogue is followed instead.
   */
  followStore?: boolean;
}

const CATALOGUE_FOLLOWER = Symbol('CATALOGUE_FOLLOWER');

interface CatalogueFollower {
  stop(): Promise<void>;
}

const SERVED_REGISTRIES = Symbol('SERVED_REGISTRIES');
const BUILT_ADAPTERS = Symbol('BUILT_ADAPTERS');
const ADAPTER_BREAKERS = Symbol('ADAPTER_BREAKERS');
const INQUIRY_SERVER = Symbol('INQUIRY_SERVER');

/**
 * The provider adapters of a process, each reachable on its registry's
 * inquiry address. Its parts are built from the shared tokens; the adapters
 * and AdapterHost stay plain classes.
 */
@Module({})
export class AdapterModule implements OnApplicationShutdown {
  constructor(
    @Inject(BUILT_ADAPTERS) private readonly built: BuiltAdapter[],
    @Inject(ADAPTER_BREAKERS) private readonly breakers: CircuitBreakers,
    @Inject(INQUIRY_SERVER) server: InquiryServer,
    @Inject(READINESS_CHECKS) readiness: ReadinessChecks,
    private readonly published: PublishedBindings,
    @Inject(CATALOGUE_FOLLOWER) private readonly follower: CatalogueFollower,
  ) {
    readiness.addBreakers('adapter', breakers);
    readiness.add({
      name: 'adapterConsumers',
      probe: () => (server.isRunning ? { up: true } : { up: false, details: { reason: 'not consuming inquiries' } }),
    });
  }

  static forRoot(options: AdapterOptions): DynamicModule {
    return {
      module: AdapterModule,
      global: true,
      // A handler per inquiry address: the transport server routes by pattern, so each is its own controller.
      controllers: options.registries.map((r) => adapterControllerFor(r.registry, r.address)),
      providers: [
        { provide: SERVED_REGISTRIES, useValue: options.registries },
        { provide: INQUIRY_SERVER, useValue: options.server },
        {
          provide: BUILT_ADAPTERS,
          inject: [SERVED_REGISTRIES],
          useFactory: (served: readonly ServedRegistry[]) => served.map((r) => buildAdapter(r.registry, r.backend)),
        },
        {
          // A breaker per registry backend: a failing registry is answered at once with provider-error.
          provide: ADAPTER_BREAKERS,
          inject: [NIX_CONFIG, METRICS],
          useFactory: (config: NixConfig, metrics: NixMetrics) => new CircuitBreakers(config.breaker, breakerMetrics(metrics, 'adapter')),
        },
        {
          provide: AdapterHost,
          inject: [BUILT_ADAPTERS, ADAPTER_BREAKERS, NIX_CONFIG, CLOCK],
          useFactory: (built: BuiltAdapter[], breakers: CircuitBreakers, config: NixConfig, clock: Clock) =>
            new AdapterHost(
              built.map((b) => ({ adapter: b.adapter, guard: (operation) => breakers.guard(b.adapter.registry, operation) })),
              config.instanceId,
              clock,
            ),
        },
        {
          provide: CATALOGUE_FOLLOWER,
          inject: [NIX_CONFIG, SERVICE_CATALOG, LOGGER],
          useFactory: async (config: NixConfig, catalog: LiveCatalog, logger: Logger): Promise<CatalogueFollower> => {
            if (!options.followStore || !config.database.url) return { stop: async () => undefined };
            // Read only: the broker migrates the store and bootstraps the catalogue.
            const sql = new PgSqlClient(config.database.url, 1);
            const live = await followCatalogue(new CatalogueRepository(sql), catalog, { pollMs: config.governance.pollMs, logger, bootstrap: false });
            return {
              stop: async () => {
                live.stop();
                await sql.close();
              },
            };
          },
        },
        {
          provide: PublishedBindings,
          // After the follower's first read, so that what is published already is bound at start.
          inject: [AdapterHost, INQUIRY_SERVER, ADAPTER_BREAKERS, NIX_CONFIG, LOGGER, SERVICE_CATALOG, SERVED_REGISTRIES, CATALOGUE_FOLLOWER],
          useFactory: (host: AdapterHost, server: InquiryServer, breakers: CircuitBreakers, config: NixConfig, logger: Logger, catalog: LiveCatalog, served: readonly ServedRegistry[]) => {
            const published = new PublishedBindings(host, server, breakers, config.credentials, logger, served.map((r) => r.address), config.publishedRegistries);
            published.follow(catalog);
            return published;
          },
        },
      ],
      exports: [AdapterHost],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.breakers.shutdown();
    await this.follower.stop();
    await Promise.all([...this.built.map((b) => b.close()), this.published.close()]);
  }
}
