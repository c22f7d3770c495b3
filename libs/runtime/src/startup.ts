import { EventTypeCatalog, ServiceCatalog } from '@nix/catalog';
import type { NixConfig } from '@nix/config';
import { loadContracts, type ContractSet } from '@nix/contracts';

export interface Startup {
  catalog: ServiceCatalog;
  contracts: ContractSet;
}

/** Reads schemas/ and contracts/ once; a bad file throws a ConfigurationError naming it. */
export function loadStartup(config: NixConfig): Startup {
  const catalog = ServiceCatalog.load(config.paths.schemas);
  const contracts = loadContracts(config.paths.contracts, catalog, { production: config.production, eventTypes: EventTypeCatalog.load(config.paths.schemas) });
  return { catalog, contracts };
}
