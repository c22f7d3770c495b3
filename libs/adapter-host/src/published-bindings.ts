import type { Logger } from 'pino';
import type { CatalogueSnapshot, LiveCatalog } from '@nix/catalog';
import type { InquiryServer } from '@nix/messaging';
import { PublishedBindingsAdapter, type AdapterHost, type BoundVersion, type HttpBinding } from '@nix/registries';
import type { CircuitBreakers } from '@nix/resilience';

/**
 * Serves the services custodians publish with an `http` binding, as the catalogue changes: no code and no restart.
 * Each registry's bound versions get one adapter (rebuilt when they change), guarded by the registry's breaker, and
 * each new inquiry address is served where the transport can take one at run time (in process).
 */
export class PublishedBindings {
  private readonly built = new Map<string, { signature: string; adapter: PublishedBindingsAdapter }>();
  private readonly addresses: Set<string>;

  constructor(
    private readonly host: Pick<AdapterHost, 'bindPublished' | 'handle'>,
    private readonly server: Pick<InquiryServer, 'serveAddress'>,
    private readonly breakers: Pick<CircuitBreakers, 'guard'>,
    private readonly credentials: Readonly<Record<string, string>>,
    private readonly logger: Logger,
    servedAtStart: readonly string[],
    /** The registries whose bindings this process serves (NIX_ADAPTER_PUBLISHED_REGISTRIES); null: all. */
    private readonly only: readonly string[] | null = null,
  ) {
    this.addresses = new Set(servedAtStart);
  }

  follow(catalog: LiveCatalog): void {
    if (catalog.current) this.apply(catalog.current);
    catalog.onChange((snapshot) => this.apply(snapshot));
  }

  apply(snapshot: CatalogueSnapshot): void {
    const byRegistry = new Map<string, { versions: BoundVersion[]; addresses: Set<string> }>();
    for (const registry of snapshot.registries) {
      if (this.only && !this.only.includes(registry.registry)) continue;
      for (const service of registry.services) {
        for (const running of snapshot.versions(registry.registry, service.service)) {
          if ((running.published.binding as { kind?: string }).kind !== 'http') continue;
          const entry = byRegistry.get(registry.registry) ?? { versions: [], addresses: new Set<string>() };
          entry.versions.push({ service: service.service, version: running.published.version, binding: running.published.binding as unknown as HttpBinding });
          entry.addresses.add(running.definition.address);
          byRegistry.set(registry.registry, entry);
        }
      }
    }
    for (const [registry, { versions, addresses }] of byRegistry) {
      const signature = JSON.stringify(versions);
      if (this.built.get(registry)?.signature !== signature) this.rebuild(registry, versions, signature);
      for (const address of addresses) this.serve(address);
    }
    for (const registry of [...this.built.keys()].filter((r) => !byRegistry.has(r))) this.rebuild(registry, [], '');
  }

  async close(): Promise<void> {
    await Promise.all([...this.built.values()].map((b) => b.adapter.close()));
    this.built.clear();
  }

  private rebuild(registry: string, versions: BoundVersion[], signature: string): void {
    const previous = this.built.get(registry);
    if (versions.length === 0) {
      this.host.bindPublished(registry, null);
      this.built.delete(registry);
    } else {
      const adapter = new PublishedBindingsAdapter(registry, versions, this.credentials);
      this.host.bindPublished(registry, { adapter, guard: (operation) => this.breakers.guard(registry, operation) });
      this.built.set(registry, { signature, adapter });
      this.logger.info({ registry, versions: versions.map((v) => `${v.service}@${v.version}`) }, 'serving published http bindings');
    }
    // Inquiries already on the old adapter finish on it: close it once they have had their deadline.
    if (previous) setTimeout(() => void previous.adapter.close(), 60_000).unref();
  }

  private serve(address: string): void {
    if (this.addresses.has(address)) return;
    if (!this.server.serveAddress) {
      this.logger.warn({ address }, 'this transport cannot take a new inquiry address while running: the adapter process serves it from its next start');
      return;
    }
    this.server.serveAddress(address, (message) => this.host.handle(message));
    this.addresses.add(address);
  }
}
