import type { ServiceCatalog } from '@nix/catalog';
import { ConfigurationError, type NixConfig, type RegistryBackendConfig } from '@nix/config';
import { KNOWN_REGISTRIES } from '@nix/registries';

/** A registry whose adapter this process runs: where its inquiries come, and where the adapter finds the registry. */
export interface ServedRegistry {
  registry: string;
  address: string;
  backend: RegistryBackendConfig;
}

/**
 * The registries this process serves: those named (by the app or
 * NIX_ADAPTER_REGISTRIES), else every catalogued one. Checked at start, as
 * the configuration is: each must be catalogued and have an adapter, and in
 * production an HTTP backend.
 */
export function servedRegistries(config: NixConfig, catalog: Pick<ServiceCatalog, 'registries' | 'registry'>, only?: readonly string[]): ServedRegistry[] {
  const names = only ?? config.adapterRegistries ?? catalog.registries.map((r) => r.registry);
  return names.map((name) => {
    const registry = catalog.registry(name);
    if (!registry) throw new ConfigurationError('environment', 'NIX_ADAPTER_REGISTRIES', `names "${name}", which is not catalogued in schemas/`);
    if (!KNOWN_REGISTRIES.includes(name)) throw new ConfigurationError('environment', 'NIX_ADAPTER_REGISTRIES', `"${name}" has no adapter`);
    const backend = config.registries[name] ?? { kind: 'sample' as const };
    if (backend.kind === 'sample' && config.production) {
      const variable = `NIX_REGISTRY_${name.toUpperCase().replace(/-/g, '_')}_BACKEND`;
      throw new ConfigurationError('environment', variable, 'must be "http" in production; sample registries are for the embedded default');
    }
    return { registry: name, address: registry.address, backend };
  });
}
