import { join } from 'node:path';
import { ServiceCatalog } from '@nix/catalog';
import { ConfigurationError, loadConfig } from '@nix/config';
import { servedRegistries } from './served-registries';

const catalog = ServiceCatalog.load(join(__dirname, '../../../schemas'));
const config = loadConfig({});

describe('servedRegistries', () => {
  it('serves every catalogued registry by default, each on its address with the sample backend', () => {
    expect(servedRegistries(config, catalog)).toEqual(
      ['address', 'goods', 'identity', 'legal-entity', 'vehicle'].map((registry) => ({ registry, address: `inquiry.${registry}.v1`, backend: { kind: 'sample' } })),
    );
  });

  it('serves those NIX_ADAPTER_REGISTRIES names, or those the app names, with their configured backends', () => {
    const configured = loadConfig({ NIX_ADAPTER_REGISTRIES: 'identity,vehicle', NIX_REGISTRY_VEHICLE_BACKEND: 'http', NIX_REGISTRY_VEHICLE_URL: 'https://vehicles.example/api' });
    expect(servedRegistries(configured, catalog)).toEqual([
      { registry: 'identity', address: 'inquiry.identity.v1', backend: { kind: 'sample' } },
      { registry: 'vehicle', address: 'inquiry.vehicle.v1', backend: { kind: 'http', baseUrl: 'https://vehicles.example/api' } },
    ]);
    expect(servedRegistries(configured, catalog, ['goods']).map((r) => r.registry)).toEqual(['goods']);
  });

  it('refuses a registry that is not catalogued, or has no adapter, naming the variable', () => {
    expect(() => servedRegistries(loadConfig({ NIX_ADAPTER_REGISTRIES: 'identity,cadastre' }), catalog)).toThrow(
      new ConfigurationError('environment', 'NIX_ADAPTER_REGISTRIES', 'names "cadastre", which is not catalogued in schemas/'),
    );
    const [first] = catalog.registries;
    const withCadastre = {
      registries: [...catalog.registries, { ...first, registry: 'cadastre', address: 'inquiry.cadastre.v1' }],
      registry(name: string) {
        return this.registries.find((r) => r.registry === name);
      },
    };
    expect(() => servedRegistries(config, withCadastre)).toThrow(new ConfigurationError('environment', 'NIX_ADAPTER_REGISTRIES', '"cadastre" has no adapter'));
  });

  it('refuses a sample backend in production, naming its variable', () => {
    expect(() => servedRegistries({ ...config, production: true }, catalog, ['legal-entity'])).toThrow(
      new ConfigurationError('environment', 'NIX_REGISTRY_LEGAL_ENTITY_BACKEND', 'must be "http" in production; sample registries are for the embedded default'),
    );
  });
});
