import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { ServiceCatalog } from '@nix/catalog';
import { ConfigurationError, type NixConfig } from '@nix/config';
import { AdapterHost, buildAdapter, KNOWN_REGISTRIES, type BuiltAdapter } from '@nix/registries';
import type { Clock } from '@nix/domain';
import type { NixMetrics } from '@nix/observability';
import type { InquiryServer } from '@nix/messaging';
import { READINESS_CHECKS, type ReadinessChecks } from '@nix/platform';
import { breakerMetrics, CircuitBreakers } from '@nix/resilience';
import { adapterControllerFor } from './adapter-controller';

export interface AdapterOptions {
  config: NixConfig;
  catalog: ServiceCatalog;
  clock: Clock;
  metrics: NixMetrics;
  /** The registries this process serves; all catalogued ones by default. */
  registries?: string[];
  /** The transport server that brings the adapters their inquiries. */
  server: InquiryServer;
}

const BUILT_ADAPTERS = Symbol('BUILT_ADAPTERS');
const ADAPTER_BREAKERS = Symbol('ADAPTER_BREAKERS');
const INQUIRY_SERVER = Symbol('INQUIRY_SERVER');

/** The provider adapters of a process, each reachable on its registry's topic. */
@Module({})
export class AdapterModule implements OnApplicationShutdown {
  constructor(
    @Inject(BUILT_ADAPTERS) private readonly built: BuiltAdapter[],
    @Inject(ADAPTER_BREAKERS) private readonly breakers: CircuitBreakers,
    @Inject(INQUIRY_SERVER) server: InquiryServer,
    @Inject(READINESS_CHECKS) readiness: ReadinessChecks,
  ) {
    readiness.addBreakers('adapter', breakers);
    readiness.add({
      name: 'adapterConsumers',
      probe: () => (server.isRunning ? { up: true } : { up: false, details: { reason: 'not consuming inquiries' } }),
    });
  }

  static forRegistries(options: AdapterOptions): DynamicModule {
    const registries = options.registries ?? options.config.adapterRegistries ?? options.catalog.registries.map((r) => r.registry);
    const built: BuiltAdapter[] = [];
    const controllers = registries.map((name) => {
      const registry = options.catalog.registry(name);
      if (!registry) throw new ConfigurationError('environment', 'NIX_ADAPTER_REGISTRIES', `names "${name}", which is not catalogued in schemas/`);
      if (!KNOWN_REGISTRIES.includes(name)) throw new ConfigurationError('environment', 'NIX_ADAPTER_REGISTRIES', `"${name}" has no adapter`);
      const backend = options.config.registries[name] ?? { kind: 'sample' as const };
      if (backend.kind === 'sample' && options.config.production) {
        const variable = `NIX_REGISTRY_${name.toUpperCase().replace(/-/g, '_')}_BACKEND`;
        throw new ConfigurationError('environment', variable, 'must be "http" in production; sample registries are for the embedded default');
      }
      built.push(buildAdapter(name, backend));
      return adapterControllerFor(name, registry.address);
    });
    // A breaker per registry backend: a failing registry is answered at once with provider-error.
    const breakers = new CircuitBreakers(options.config.breaker, breakerMetrics(options.metrics, 'adapter'));
    const host = new AdapterHost(
      built.map((b) => ({ adapter: b.adapter, guard: (operation) => breakers.guard(b.adapter.registry, operation) })),
      options.config.instanceId,
      options.clock,
    );
    return {
      module: AdapterModule,
      global: true,
      controllers,
      providers: [
        { provide: AdapterHost, useValue: host },
        { provide: BUILT_ADAPTERS, useValue: built },
        { provide: ADAPTER_BREAKERS, useValue: breakers },
        { provide: INQUIRY_SERVER, useValue: options.server },
      ],
      exports: [AdapterHost],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.breakers.shutdown();
    await Promise.all(this.built.map((b) => b.close()));
  }
}
