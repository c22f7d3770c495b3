import pino from 'pino';
import { CatalogueSnapshot, type PublishedServiceVersion } from '@nix/catalog';
import { parcelVersionBody } from '@nix/catalog/testing';
import type { HostedAdapter } from '@nix/registries';
import { PublishedBindings } from './published-bindings';

const title = { fa: 'ثبت', en: 'Registry' };

function published(registry: string): PublishedServiceVersion {
  return { ...parcelVersionBody(), registry, service: 'parcel', version: '1.0.0', custodian: `${registry}-office`, publishedBy: 'key-1', publishedAt: '2026-11-30T08:00:00Z', deprecation: null };
}

function snapshotOf(...registries: string[]): CatalogueSnapshot {
  return new CatalogueSnapshot({
    version: 7,
    registries: registries.map((registry) => ({ registry, custodian: `${registry}-office`, title, description: title })),
    versions: registries.map(published),
    maintenance: [],
  });
}

/** Records what the bindings bind and which addresses they start serving. */
function fakes() {
  const bound = new Map<string, HostedAdapter | null>();
  const served: string[] = [];
  return {
    bound,
    served,
    host: { bindPublished: (registry: string, hosted: HostedAdapter | null) => void bound.set(registry, hosted), handle: async () => ({}) as never },
    server: { serveAddress: (address: string) => void served.push(address) },
    breakers: { guard: <T>(_registry: string, operation: () => Promise<T>) => operation() },
  };
}

describe('PublishedBindings', () => {
  it('serves every registry published with an http binding, each on its new inquiry address', () => {
    const f = fakes();
    new PublishedBindings(f.host, f.server, f.breakers, {}, pino({ enabled: false }), ['inquiry.identity.v1']).apply(snapshotOf('cadastre', 'forestry'));
    expect([...f.bound.keys()]).toEqual(['cadastre', 'forestry']);
    expect(f.served).toEqual(['inquiry.cadastre.v1', 'inquiry.forestry.v1']);
  });

  it('serves only the registries NIX_ADAPTER_PUBLISHED_REGISTRIES names, and unbinds none it never bound', () => {
    const f = fakes();
    const bindings = new PublishedBindings(f.host, f.server, f.breakers, {}, pino({ enabled: false }), [], ['forestry']);
    bindings.apply(snapshotOf('cadastre', 'forestry'));
    expect([...f.bound.keys()]).toEqual(['forestry']);
    expect(f.served).toEqual(['inquiry.forestry.v1']);
    bindings.apply(snapshotOf('cadastre'));
    expect(f.bound.get('forestry')).toBeNull();
    expect(f.bound.has('cadastre')).toBe(false);
  });
});
