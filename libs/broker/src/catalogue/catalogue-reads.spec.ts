import type { PublishedServiceVersion, RegistryDefinition, RunningVersion } from '@nix/catalog';
import { parcelVersionBody } from '@nix/catalog/testing';
import { publishedVersionsOf, registriesOf } from './catalogue-reads';

function published(version: string, deprecation: PublishedServiceVersion['deprecation'] = null): RunningVersion {
  return {
    published: { ...parcelVersionBody(), registry: 'cadastre', service: 'parcel', version, custodian: 'national-cadastre', publishedBy: 'national-cadastre', publishedAt: '2026-11-01T08:00:00.000Z', deprecation },
    definition: {} as RunningVersion['definition'],
  };
}

const catalog = {
  versions: (registry: string, service: string) =>
    registry === 'cadastre' && service === 'parcel' ? [published('1.0.0', { deprecatedAt: '2026-11-02T08:00:00.000Z', sunset: '2027-01-01T00:00:00.000Z', successor: '1.1.0' }), published('1.1.0')] : [],
  registries: [{ registry: 'cadastre', custodian: 'national-cadastre', title: { fa: 'کاداستر', en: 'Cadastre' }, description: { fa: 'قطعات', en: 'Parcels' }, services: [] }] as unknown as RegistryDefinition[],
};

describe('the catalogue reads', () => {
  it('show every version oldest first, with its deprecation, and no binding to the public', () => {
    const versions = publishedVersionsOf(catalog, 'cadastre', 'parcel', false);
    expect(versions.map((v) => [v.version, v.deprecation?.successor ?? null])).toEqual([
      ['1.0.0', '1.1.0'],
      ['1.1.0', null],
    ]);
    expect(versions[0]).toMatchObject({ loa: parcelVersionBody().loa, hours: parcelVersionBody().hours, dataProtectionStatement: parcelVersionBody().dataProtectionStatement });
    expect(versions.some((v) => 'binding' in v)).toBe(false);
    expect(versions.some((v) => 'publishedBy' in v || 'custodian' in v)).toBe(false);
  });

  it("show the binding to the registry's custodian", () => {
    expect(publishedVersionsOf(catalog, 'cadastre', 'parcel', true)[1]).toMatchObject({ binding: parcelVersionBody().binding });
  });

  it('answer 404 unknown-service for a service with no version', () => {
    expect(() => publishedVersionsOf(catalog, 'cadastre', 'plot', false)).toThrow(expect.objectContaining({ problemType: 'unknown-service', status: 404 }));
  });

  it('list a registry with no service yet, with its custodian', () => {
    expect(registriesOf(catalog)).toEqual([{ registry: 'cadastre', custodian: 'national-cadastre', title: { fa: 'کاداستر', en: 'Cadastre' }, description: { fa: 'قطعات', en: 'Parcels' }, services: [] }]);
  });
});
