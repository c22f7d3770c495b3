import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceCatalog } from '@nix/catalog';
import { ConfigurationError } from '@nix/config';

describe('ServiceCatalog over the real schemas', () => {
  let catalog: ServiceCatalog;
  beforeAll(() => {
    catalog = ServiceCatalog.load('schemas');
  });

  it('loads the five registries and six services', () => {
    expect(catalog.registries.map((r) => r.registry)).toEqual(['address', 'goods', 'identity', 'legal-entity', 'vehicle']);
    expect(catalog.services().map((s) => `${s.registry}/${s.service}`).sort()).toEqual([
      'address/postal-code',
      'goods/goods',
      'identity/person',
      'identity/person-verification',
      'legal-entity/company',
      'vehicle/vehicle',
    ]);
  });

  it("addresses each service to its registry's major-version topic", () => {
    expect(catalog.get('identity', 'person')!.address).toBe('inquiry.identity.v1');
    expect(catalog.get('identity', 'person-verification')!.address).toBe('inquiry.identity.v1');
    expect(catalog.get('legal-entity', 'company')!.address).toBe('inquiry.legal-entity.v1');
    expect(catalog.registry('vehicle')!.address).toBe('inquiry.vehicle.v1');
  });

  it('names custodians, versions, timeouts and bilingual titles', () => {
    const person = catalog.get('identity', 'person')!;
    expect(person).toMatchObject({ registry: 'identity', service: 'person', version: '1.0.0', custodian: 'civil-registration', timeoutMs: 3000 });
    expect(person.title).toEqual({ fa: 'استعلام مشخصات فرد', en: 'Person inquiry' });
    expect(catalog.registry('address')!.custodian).toBe('iran-post');
    expect(catalog.registry('goods')!.custodian).toBe('mimt');
    expect(catalog.registry('identity')!.services.map((s) => s.service)).toEqual(['person', 'person-verification']);
  });

  it("takes the data items from the answer schema's properties", () => {
    expect(catalog.get('identity', 'person')!.dataItems).toEqual([
      'firstName',
      'lastName',
      'fatherName',
      'gender',
      'birthDate',
      'birthDateJalali',
      'alive',
      'deathDate',
    ]);
    expect(catalog.get('vehicle', 'vehicle')!.dataItems).toContain('ownerMatch');
  });

  it('answers undefined for unknown registries and services', () => {
    expect(catalog.get('identity', 'nope')).toBeUndefined();
    expect(catalog.get('cadastre', 'parcel')).toBeUndefined();
    expect(catalog.registry('cadastre')).toBeUndefined();
  });

  it('accepts every request example and every answer example', () => {
    for (const service of catalog.services()) {
      expect(service.examples.length).toBeGreaterThan(0);
      for (const example of service.examples) expect([service.service, service.validateRequest(example)]).toEqual([service.service, []]);
      for (const example of service.responseSchema.examples ?? []) expect([service.service, service.validateAnswer(example)]).toEqual([service.service, []]);
    }
  });

  describe('validateRequest', () => {
    const errorsOf = (registry: string, service: string, body: unknown) => catalog.get(registry, service)!.validateRequest(body);

    it('names each missing required field', () => {
      expect(errorsOf('identity', 'person', {})).toEqual([
        { pointer: '/nationalId', detail: 'is required' },
        { pointer: '/birthDate', detail: 'is required' },
      ]);
    });

    it('refuses a field the inquiry does not have', () => {
      expect(errorsOf('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21', fullName: 'x' })).toEqual([
        { pointer: '/fullName', detail: 'is not a field of this inquiry' },
      ]);
    });

    it('escapes "/" and "~" in the pointer of an unknown field', () => {
      expect(errorsOf('legal-entity', 'company', { nationalId: '10100841331', 'a/b~c': 1 })).toEqual([
        { pointer: '/a~1b~0c', detail: 'is not a field of this inquiry' },
      ]);
    });

    it.each([
      ['identity', 'person', { nationalId: '0067749827', birthDate: '1988-03-21' }, '/nationalId', 'has a wrong check digit'],
      ['identity', 'person', { nationalId: '۰۰۶۷۷۴۹۸۲۸', birthDate: '1988-03-21' }, '/nationalId', 'must be exactly 10 digits (0-9)'],
      ['identity', 'person', { nationalId: '1111111111', birthDate: '1988-03-21' }, '/nationalId', 'is not an issued national ID (all digits equal)'],
      ['legal-entity', 'company', { nationalId: '10100841332' }, '/nationalId', 'has a wrong check digit'],
      ['address', 'postal-code', { postalCode: '1293653471' }, '/postalCode', 'has an invalid zone: the first five digits may not contain 0 or 2, and the fifth may not be 5'],
      ['vehicle', 'vehicle', { plate: '12ك345-67' }, '/plate', 'has "ك", which is not a plate series letter'],
      ['vehicle', 'vehicle', { vin: 'NAAM11CA4EK123456' }, '/vin', 'has a wrong check character at position 9'],
      ['vehicle', 'vehicle', { vin: 'NAAM11CA3EK123456', ownerNationalId: '0067749827' }, '/ownerNationalId', 'has a wrong check digit'],
      ['goods', 'goods', { gtin: '6260100001238' }, '/gtin', 'has a wrong check digit'],
      ['goods', 'goods', { iranCode: '0780000116820001' }, '/iranCode', 'may not start with 0'],
    ])('explains a bad identifier for %s/%s: %j', (registry, service, body, pointer, detail) => {
      expect(errorsOf(registry, service, body)).toEqual([{ pointer, detail }]);
    });

    it('explains a bad standard format without echoing the value', () => {
      expect(errorsOf('identity', 'person', { nationalId: '0067749828', birthDate: '21/03/1988' })).toEqual([
        { pointer: '/birthDate', detail: 'must be a valid date' },
      ]);
    });

    it('refuses a value of the wrong type', () => {
      expect(errorsOf('identity', 'person', { nationalId: 67749828, birthDate: '1988-03-21' })).toEqual([
        { pointer: '/nationalId', detail: 'must be string' },
      ]);
    });

    it('refuses a body that is not an object', () => {
      expect(errorsOf('legal-entity', 'company', ['10100841331'])).toEqual([{ pointer: '', detail: 'must be object' }]);
    });

    it.each([
      ['neither', {}],
      ['both', { plate: '12ب345-67', vin: 'NAAM11CA3EK123456' }],
      ['only the owner', { ownerNationalId: '0067749828' }],
    ])('asks for exactly one of plate and vin when given %s', (_given, body) => {
      expect(errorsOf('vehicle', 'vehicle', body)).toEqual([{ pointer: '', detail: 'must give exactly one of: plate, vin' }]);
    });

    it('asks for exactly one of iranCode and gtin', () => {
      expect(errorsOf('goods', 'goods', { iranCode: '2780000116820001', gtin: '6260100001237' })).toEqual([
        { pointer: '', detail: 'must give exactly one of: iranCode, gtin' },
      ]);
    });

    it('reports every fault at once', () => {
      expect(errorsOf('vehicle', 'vehicle', { plate: '12B345-67', colour: 'white' })).toEqual(
        expect.arrayContaining([
          { pointer: '/colour', detail: 'is not a field of this inquiry' },
          { pointer: '/plate', detail: 'must look like 12ب345-67: two digits, a Persian letter, three digits, a dash and a two-digit region code' },
        ]),
      );
    });

    it('asks a verification for at least one claimed field', () => {
      expect(errorsOf('identity', 'person-verification', { nationalId: '0067749828' })).toEqual([
        { pointer: '', detail: 'must have at least 2 fields' },
      ]);
      expect(errorsOf('identity', 'person-verification', { nationalId: '0067749828', lastName: 'محمدی' })).toEqual([]);
    });
  });

  it('validates answers against the answer schema', () => {
    const company = catalog.get('legal-entity', 'company')!;
    expect(company.validateAnswer({ name: 'شرکت', status: 'closed' })).toEqual([{ pointer: '/status', detail: 'must be equal to one of the allowed values' }]);
    expect(company.validateAnswer({ name: 'شرکت', postalCode: '1193653421' })).toEqual([
      { pointer: '/postalCode', detail: 'may not contain 2 in its last five digits' },
    ]);
  });
});

describe('ServiceCatalog.load of a broken schemas directory', () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  /** A fresh copy of schemas/, changed by `edit`. */
  function brokenCopy(edit: (dir: string) => void): string {
    const root = mkdtempSync(join(tmpdir(), 'nix-schemas-'));
    roots.push(root);
    const dir = join(root, 'schemas');
    cpSync('schemas', dir, { recursive: true });
    edit(dir);
    return dir;
  }
  const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
  const writeJson = (file: string, value: unknown) => writeFileSync(file, JSON.stringify(value, null, 2));
  const editJson = (file: string, change: (json: any) => void) => {
    const json = readJson(file);
    change(json);
    writeJson(file, json);
  };

  function loadError(dir: string): ConfigurationError {
    try {
      ServiceCatalog.load(dir);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      return error as ConfigurationError;
    }
    throw new Error('the broken schemas loaded');
  }

  it('loads an unchanged copy (the fixture works)', () => {
    expect(ServiceCatalog.load(brokenCopy(() => undefined)).services()).toHaveLength(6);
  });

  it('names a file that is not valid JSON', () => {
    const dir = brokenCopy((d) => writeFileSync(join(d, 'identity', 'person.request.json'), '{ "type": "object", }'));
    const error = loadError(dir);
    expect(error.source).toMatch(/schemas\/identity\/person\.request\.json$/);
    expect(error.message).toContain('identity/person.request.json at line 1: is not valid JSON');
  });

  it('names the example that fails its own schema, and why', () => {
    const dir = brokenCopy((d) =>
      editJson(join(d, 'identity', 'person.request.json'), (json) => {
        json.examples[1].nationalId = '1273456905';
      }),
    );
    const error = loadError(dir);
    expect(error.source).toMatch(/schemas\/identity\/person\.request\.json$/);
    expect(error.location).toBe('/examples/1');
    expect(error.message).toContain('identity/person.request.json at /examples/1: does not match its own schema: /nationalId has a wrong check digit');
  });

  it('names an answer example that fails its schema', () => {
    const dir = brokenCopy((d) =>
      editJson(join(d, 'vehicle', 'vehicle.response.json'), (json) => {
        json.examples[0].year = 1900;
      }),
    );
    const error = loadError(dir);
    expect(error.message).toContain('vehicle/vehicle.response.json at /examples/0: does not match its own schema: /year');
  });

  it('requires a request schema to hold at least one example', () => {
    const dir = brokenCopy((d) =>
      editJson(join(d, 'address', 'postal-code.request.json'), (json) => {
        delete json.examples;
      }),
    );
    expect(loadError(dir).message).toContain('address/postal-code.request.json at /examples: must hold at least one working example');
  });

  it('names a registry.json whose title lacks fa', () => {
    const dir = brokenCopy((d) =>
      editJson(join(d, 'goods', 'registry.json'), (json) => {
        delete json.title.fa;
      }),
    );
    const error = loadError(dir);
    expect(error.source).toMatch(/schemas\/goods\/registry\.json$/);
    expect(error.location).toBe('/title');
    expect(error.message).toContain('goods/registry.json at /title: must have fa and en');
  });

  it("names a service whose title lacks fa", () => {
    const dir = brokenCopy((d) =>
      editJson(join(d, 'identity', 'registry.json'), (json) => {
        json.services['person-verification'].title.fa = '';
      }),
    );
    expect(loadError(dir).message).toContain('identity/registry.json at /services/person-verification/title: must have fa and en');
  });

  it('refuses a response schema that declares no properties (no data items)', () => {
    const dir = brokenCopy((d) => writeJson(join(d, 'address', 'postal-code.response.json'), { type: 'object' }));
    const error = loadError(dir);
    expect(error.source).toMatch(/schemas\/address\/registry\.json$/);
    expect(error.message).toContain('address/postal-code.response.json must declare its data items as properties');
  });

  it('names a missing schema file', () => {
    const dir = brokenCopy((d) => rmSync(join(d, 'legal-entity', 'company.response.json')));
    expect(loadError(dir).message).toMatch(/legal-entity\/company\.response\.json: is missing$/);
  });

  it('refuses a schema that is not a valid JSON Schema', () => {
    const dir = brokenCopy((d) =>
      editJson(join(d, 'goods', 'goods.request.json'), (json) => {
        json.properties.gtin.format = 'barcode';
      }),
    );
    expect(loadError(dir).message).toContain('goods/goods.request.json: is not a valid JSON Schema');
  });

  it.each([
    ['registry not matching its directory', (json: any) => (json.registry = 'post'), '/registry', 'must equal the directory name "address"'],
    ['version not semantic', (json: any) => (json.version = 'v1'), '/version', 'must be a semantic version such as 1.0.0'],
    ['no custodian', (json: any) => delete json.custodian, '/custodian', 'must name the custodian agency'],
    ['no services', (json: any) => (json.services = {}), '/services', 'must list at least one service'],
    ['a timeout out of range', (json: any) => (json.services['postal-code'].timeoutMs = 50), '/services/postal-code/timeoutMs', 'must be an integer from 100 to 60000'],
  ])('names a registry.json with %s', (_case, change, location, reason) => {
    const dir = brokenCopy((d) => editJson(join(d, 'address', 'registry.json'), change));
    expect(loadError(dir).message).toContain(`address/registry.json at ${location}: ${reason}`);
  });

  it('refuses a directory that cannot be read, or holds no registry', () => {
    const root = mkdtempSync(join(tmpdir(), 'nix-schemas-'));
    roots.push(root);
    expect(loadError(join(root, 'absent')).message).toContain('cannot read the schemas directory');
    mkdirSync(join(root, 'empty'));
    expect(loadError(join(root, 'empty')).message).toMatch(/empty: holds no registry$/);
  });
});
