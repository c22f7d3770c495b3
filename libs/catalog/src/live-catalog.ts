import { inquiryAddress } from '@nix/domain';
import { serviceDefinitionOf, type CatalogueState } from './catalogue-state';
import type { RegistryDefinition, ServiceDefinition } from './service-catalog';
import { compareSemver, parseSemver, type PublishedServiceVersion } from './service-version';
import type { MaintenanceWindow } from './version-lifecycle';

/** What the broker, the adapters and the tools read of the catalogue: schemas/ at start, the store's once read. */
export interface CatalogView {
  readonly registries: readonly RegistryDefinition[];
  registry(name: string): RegistryDefinition | undefined;
  /** The newest published version of a service. */
  get(registry: string, service: string): ServiceDefinition | undefined;
  /** The newest published version of each service. */
  services(): ServiceDefinition[];
}

/** A published version as the broker runs it: what the custodian published, and its compiled definition. */
export interface RunningVersion {
  published: PublishedServiceVersion;
  definition: ServiceDefinition;
}

const key = (registry: string, service: string) => `${registry}/${service}`;

/**
 * The catalogue as the store held it at one version: every registry, every published version (oldest first, each
 * compiled once: published versions never change, so a new snapshot reuses the previous one's definitions), and the
 * maintenance windows not yet ended.
 */
export class CatalogueSnapshot implements CatalogView {
  readonly version: number;
  readonly registries: readonly RegistryDefinition[];
  readonly maintenance: readonly MaintenanceWindow[];
  private readonly running = new Map<string, RunningVersion[]>();

  constructor(state: CatalogueState, previous?: CatalogueSnapshot | null) {
    this.version = state.version;
    this.maintenance = state.maintenance;
    const reused = new Map((previous ? [...previous.running.values()].flat() : []).map((r) => [`${key(r.published.registry, r.published.service)}@${r.published.version}`, r]));
    for (const published of state.versions) {
      const old = reused.get(`${key(published.registry, published.service)}@${published.version}`);
      // The definition is reused; the deprecation may have changed since.
      const running = old ? { published, definition: old.definition } : { published, definition: serviceDefinitionOf(published) };
      const list = this.running.get(key(published.registry, published.service)) ?? [];
      list.push(running);
      this.running.set(key(published.registry, published.service), list);
    }
    for (const list of this.running.values()) list.sort((a, b) => compareSemver(a.published.version, b.published.version));
    this.registries = state.registries.map((r) => {
      const services = [...this.running.entries()].filter(([k]) => k.startsWith(`${r.registry}/`)).map(([, list]) => list[list.length - 1].definition);
      const newest = services.map((s) => s.version).sort(compareSemver).at(-1) ?? '1.0.0';
      return { ...r, version: newest, address: inquiryAddress(r.registry, parseSemver(newest)![0]), services };
    });
  }

  registry(name: string): RegistryDefinition | undefined {
    return this.registries.find((r) => r.registry === name);
  }

  get(registry: string, service: string): ServiceDefinition | undefined {
    return this.running.get(key(registry, service))?.at(-1)?.definition;
  }

  services(): ServiceDefinition[] {
    return this.registries.flatMap((r) => r.services);
  }

  /** Every published version of a service, oldest first. */
  versions(registry: string, service: string): readonly RunningVersion[] {
    return this.running.get(key(registry, service)) ?? [];
  }
}

/**
 * The catalogue a process serves, kept current: schemas/ until the store's catalogue is read, then each snapshot as
 * it comes. Readers ask it at each use; listeners hear of each new snapshot (the adapter host binds new services).
 */
export class LiveCatalog implements CatalogView {
  private view: CatalogView;
  private snapshot: CatalogueSnapshot | null = null;
  private readonly listeners: Array<(snapshot: CatalogueSnapshot) => void> = [];

  constructor(readonly schemas: CatalogView) {
    this.view = schemas;
  }

  /** The store's catalogue, once read. */
  get current(): CatalogueSnapshot | null {
    return this.snapshot;
  }

  use(snapshot: CatalogueSnapshot): void {
    this.snapshot = snapshot;
    this.view = snapshot;
    for (const listener of this.listeners) listener(snapshot);
  }

  onChange(listener: (snapshot: CatalogueSnapshot) => void): void {
    this.listeners.push(listener);
  }

  get registries(): readonly RegistryDefinition[] {
    return this.view.registries;
  }

  registry(name: string): RegistryDefinition | undefined {
    return this.view.registry(name);
  }

  get(registry: string, service: string): ServiceDefinition | undefined {
    return this.view.get(registry, service);
  }

  services(): ServiceDefinition[] {
    return this.view.services();
  }

  /** A service's published versions in the store, oldest first; none until the store's catalogue is read. */
  versions(registry: string, service: string): readonly RunningVersion[] {
    return this.snapshot?.versions(registry, service) ?? [];
  }

  /** The maintenance windows not yet ended. */
  maintenance(): readonly MaintenanceWindow[] {
    return this.snapshot?.maintenance ?? [];
  }
}
