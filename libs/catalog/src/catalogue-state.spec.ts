import {
  CatalogueInputError,
  CatalogueNotFoundError,
  CatalogueNotPermittedError,
  CatalogueStateError,
  catalogueFromSchemas,
  catalogueProblemOf,
  ServiceCatalog,
  serviceDefinitionOf,
  VersionPublishedError,
  type PublishedServiceVersion,
} from '@nix/catalog';

describe('catalogueFromSchemas: the bootstrap content', () => {
  const catalog = ServiceCatalog.load('schemas');
  const { registries, versions } = catalogueFromSchemas(catalog);

  it('has each registry with its custodian and each service as its one version, bound to the code adapters', () => {
    expect(registries.map((r) => [r.registry, r.custodian])).toEqual(catalog.registries.map((r) => [r.registry, r.custodian]));
    expect(versions.map((v) => `${v.registry}/${v.service}@${v.version}`)).toEqual(catalog.services().map((s) => `${s.registry}/${s.service}@${s.version}`));
    expect(versions.every((v) => v.body.binding.kind === 'code' && v.body.hours === '24x7')).toBe(true);
    expect(versions.find((v) => v.service === 'person')!.body).toMatchObject({ loa: 'substantial', dataProtectionStatement: 'https://nix.example/docs/data-protection/identity' });
    expect(versions.find((v) => v.service === 'vehicle')!.body.loa).toBeNull();
  });

  it('enforces as schemas/ does once compiled: same data items, same verdicts on examples and on bad input', () => {
    for (const v of versions) {
      const custodian = registries.find((r) => r.registry === v.registry)!.custodian;
      const published: PublishedServiceVersion = { ...v, ...v.body, custodian, publishedBy: 'schemas-import', publishedAt: '2026-12-01T00:00:00.000Z', deprecation: null };
      const fromStore = serviceDefinitionOf(published);
      const fromFiles = catalog.get(v.registry, v.service)!;
      expect({ ...fromStore, validateRequest: null, validateAnswer: null }).toEqual({ ...fromFiles, validateRequest: null, validateAnswer: null });
      for (const body of [...fromFiles.examples, {}, { nationalId: '0067749827' }, [1]]) expect(fromStore.validateRequest(body)).toEqual(fromFiles.validateRequest(body));
    }
  });
});

describe('catalogueProblemOf', () => {
  it('maps each catalogue error to its problem, and nothing else', () => {
    const cases: Array<[Error, string, number]> = [
      [CatalogueInputError.at('/request/examples/0', 'does not match its schema'), 'invalid-request', 400],
      [new CatalogueNotPermittedError('iran-post', 'publish services in registry cadastre'), 'not-permitted', 403],
      [new CatalogueNotFoundError('registry cadastre'), 'unknown-service', 404],
      [new VersionPublishedError('cadastre/parcel 1.0.0'), 'version-published', 409],
      [new CatalogueStateError('cadastre/parcel 1.0.0', 'retired', 'deprecated again'), 'illegal-transition', 409],
    ];
    for (const [error, type, status] of cases) expect([type, catalogueProblemOf(error)?.problemType, catalogueProblemOf(error)?.status]).toEqual([type, type, status]);
    expect(catalogueProblemOf(CatalogueInputError.at('/request/examples/0', 'does not match its schema'))?.extras.errors).toEqual([
      { pointer: '/request/examples/0', detail: 'does not match its schema' },
    ]);
    expect(catalogueProblemOf(new Error('boom'))).toBeNull();
  });
});
