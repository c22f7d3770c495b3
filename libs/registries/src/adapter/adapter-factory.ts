import type { RegistryBackendConfig } from '@nix/config';
import { AddressAdapter } from '../address/address.adapter';
import { AddressHttpRegistry } from '../address/address.http';
import { GoodsAdapter } from '../goods/goods.adapter';
import { GoodsHttpRegistry } from '../goods/goods.http';
import { UndiciRegistryHttpClient, type RegistryHttpClient } from '../http/registry-http-client';
import { IdentityAdapter } from '../identity/identity.adapter';
import { IdentityHttpRegistry } from '../identity/identity.http';
import { LegalEntityAdapter } from '../legal-entity/legal-entity.adapter';
import { LegalEntityHttpRegistry } from '../legal-entity/legal-entity.http';
import { SampleRegistry } from '../sample/sample-registry';
import { VehicleAdapter } from '../vehicle/vehicle.adapter';
import { VehicleHttpRegistry } from '../vehicle/vehicle.http';
import type { RegistryAdapter } from './registry-adapter';

/** Each known registry: its adapter over either backend. A new registry adds one line and an adapter. */
const ADAPTERS: Record<string, { sample: (s: SampleRegistry) => RegistryAdapter; http: (c: RegistryHttpClient) => RegistryAdapter }> = {
  identity: { sample: (s) => new IdentityAdapter(s), http: (c) => new IdentityAdapter(new IdentityHttpRegistry(c)) },
  'legal-entity': { sample: (s) => new LegalEntityAdapter(s), http: (c) => new LegalEntityAdapter(new LegalEntityHttpRegistry(c)) },
  address: { sample: (s) => new AddressAdapter(s), http: (c) => new AddressAdapter(new AddressHttpRegistry(c)) },
  vehicle: { sample: (s) => new VehicleAdapter(s), http: (c) => new VehicleAdapter(new VehicleHttpRegistry(c)) },
  goods: { sample: (s) => new GoodsAdapter(s), http: (c) => new GoodsAdapter(new GoodsHttpRegistry(c)) },
};

export const KNOWN_REGISTRIES = Object.keys(ADAPTERS);

export interface BuiltAdapter {
  adapter: RegistryAdapter;
  close(): Promise<void>;
}

export function buildAdapter(registry: string, backend: RegistryBackendConfig, sample: () => SampleRegistry = SampleRegistry.default): BuiltAdapter {
  const entry = ADAPTERS[registry];
  if (!entry) throw new Error(`no adapter is known for registry "${registry}"; known: ${KNOWN_REGISTRIES.join(', ')}`);
  if (backend.kind === 'sample') return { adapter: entry.sample(sample()), close: async () => undefined };
  const client = new UndiciRegistryHttpClient({ baseUrl: backend.baseUrl, authorization: backend.authorization });
  return { adapter: entry.http(client), close: () => client.close() };
}
