import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { CatalogView } from '@nix/catalog';
import type { Clock } from '@nix/domain';
import { ClientProxyDispatcher, INQUIRY_DISPATCHER, type InquiryClient } from '@nix/messaging';
import { CLOCK, SERVICE_CATALOG } from '../core/tokens';
import { READINESS_CHECKS, type ReadinessChecks, type ReadinessReport } from '../health/readiness-checks';

export const INQUIRY_CLIENT = Symbol('INQUIRY_CLIENT');

/** How long a look at which adapters serve each registry stays fresh: readiness probes come often. */
const ADAPTER_COUNT_TTL_MS = 5000;

/**
 * The broker's half of the transport. Which client it is (in-process or
 * Kafka) is decided by whoever assembles the process; the inquiry path only
 * sees the dispatcher, and readiness asks the client how it is.
 */
@Module({})
export class MessagingModule implements OnApplicationShutdown {
  private adapterCounts: { at: number; counts: Promise<Record<string, number>> } | null = null;

  constructor(
    @Inject(INQUIRY_CLIENT) private readonly client: InquiryClient,
    @Inject(SERVICE_CATALOG) private readonly catalog: CatalogView,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(READINESS_CHECKS) readiness: ReadinessChecks,
  ) {
    readiness.add({ name: 'transport', probe: () => this.transport() });
    readiness.add({ name: 'adapters', probe: () => this.adapters() });
  }

  /** After the HTTP server has drained: no inquiry is waiting any more. */
  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }

  static forClient(client: InquiryClient): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: INQUIRY_CLIENT, useValue: client },
        {
          provide: INQUIRY_DISPATCHER,
          inject: [CLOCK],
          useFactory: (clock: Clock) => new ClientProxyDispatcher(client, () => clock.now()),
        },
      ],
      exports: [INQUIRY_DISPATCHER, INQUIRY_CLIENT],
    };
  }

  private transport(): ReadinessReport {
    const { kind } = this.client;
    return this.client.isConnected() ? { up: true, details: { kind } } : { up: false, details: { kind, reason: 'not connected' } };
  }

  /** Registries no adapter serves now are reported: their inquiries get 503 no-adapter, the others are served. */
  private async adapters(): Promise<ReadinessReport> {
    const now = this.clock.now();
    if (!this.adapterCounts || now - this.adapterCounts.at > ADAPTER_COUNT_TTL_MS) {
      this.adapterCounts = { at: now, counts: this.client.adapterCounts(this.catalog.registries.map((r) => r.address)) };
    }
    try {
      const counts = await this.adapterCounts.counts;
      const instances = Object.fromEntries(this.catalog.registries.map((r) => [r.registry, counts[r.address] ?? 0]));
      const missing = Object.keys(instances).filter((r) => instances[r] === 0);
      return { up: true, details: { instances, ...(missing.length ? { degraded: true, noAdapter: missing } : {}) } };
    } catch (error) {
      this.adapterCounts = null;
      return { up: true, details: { degraded: true, reason: `cannot list adapters: ${(error as Error).message}` } };
    }
  }
}
