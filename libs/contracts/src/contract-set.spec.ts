import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventTypeCatalog, ServiceCatalog } from '@nix/catalog';
import { ConfigurationError } from '@nix/config';
import { loadContracts } from '@nix/contracts';

let catalog: ServiceCatalog;
beforeAll(() => {
  catalog = ServiceCatalog.load('schemas');
});

describe('loadContracts over the real contracts', () => {
  it('loads every agency, agreement and key outside production', () => {
    const set = loadContracts('contracts', catalog, { production: false });
    expect(set.agencies.map((a) => a.id).sort()).toEqual([
      'civil-registration',
      'deeds-registration',
      'demo-agency',
      'demo-working-group',
      'interoperability-working-group',
      'iran-post',
      'mimt',
      'police',
      'social-security',
      'tax-organization',
    ]);
    expect(set.refusedDemoAgencies).toEqual([]);
    expect(set.apiKeys.map((k) => [k.agencyId, k.keyId])).toEqual(
      expect.arrayContaining([
        ['demo-agency', 'demo-key'],
        ['demo-working-group', 'demo-wg-key'],
      ]),
    );
    expect(set.agreements.some((a) => a.consumer === 'demo-agency')).toBe(true);
  });

  it('reads an agreement as written', () => {
    const set = loadContracts('contracts', catalog, { production: false });
    expect(set.agreements.find((a) => a.id === 'tax-legal-entity-company-1405')).toEqual({
      id: 'tax-legal-entity-company-1405',
      consumer: 'tax-organization',
      registry: 'legal-entity',
      service: 'company',
      dataItems: ['name', 'legalForm', 'registrationNumber', 'status', 'postalCode'],
      purposes: ['taxpayer-registration', 'tax-audit'],
      validFrom: '2026-03-21',
      validUntil: '2027-03-20',
      dailyQuota: 1000000,
      resolution: 'IWG-1404-42',
    });
    const demo = set.agencies.find((a) => a.id === 'demo-agency')!;
    expect(demo).toMatchObject({ roles: ['consumer'], demo: true });
    expect(set.agencies.find((a) => a.id === 'police')).toMatchObject({ roles: ['provider'], demo: false });
  });

  it('refuses the demo agencies, their keys and their agreements in production', () => {
    const set = loadContracts('contracts', catalog, { production: true });
    expect(set.refusedDemoAgencies.sort()).toEqual(['demo-agency', 'demo-working-group']);
    expect(set.agencies.filter((a) => a.demo)).toEqual([]);
    expect(set.agencies.map((a) => a.id)).not.toContain('demo-agency');
    expect(set.apiKeys.filter((k) => k.agencyId.startsWith('demo-'))).toEqual([]);
    expect(set.agreements.filter((a) => a.consumer.startsWith('demo-') || a.id.startsWith('demo-'))).toEqual([]);
    expect(set.agreements.map((a) => a.id).sort()).toEqual([
      'ssa-identity-person-1405',
      'ssa-identity-person-verification-1405',
      'tax-address-postal-code-1405',
      'tax-identity-person-1405',
      'tax-legal-entity-company-1405',
    ]);
  });
});

describe('loadContracts over broken contracts', () => {
  const roots: string[] = [];
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  /** A copy of contracts/ with the given files (path → lines) added or replaced. */
  function contractsWith(files: Record<string, string[]>, remove: string[] = []): string {
    const root = mkdtempSync(join(tmpdir(), 'nix-contracts-'));
    roots.push(root);
    const dir = join(root, 'contracts');
    cpSync('contracts', dir, { recursive: true });
    for (const path of remove) rmSync(join(dir, path));
    for (const [path, lines] of Object.entries(files)) writeFileSync(join(dir, path), lines.join('\n') + '\n');
    return dir;
  }

  function loadError(dir: string, production = false): ConfigurationError {
    try {
      loadContracts(dir, catalog, { production });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      return error as ConfigurationError;
    }
    throw new Error('the broken contracts loaded');
  }

  /** An agreements file for tax-organization, one agreement, with fields changed (line 3 is "- id:"). */
  function taxAgreement(fields: Record<string, string> = {}, consumer = 'tax-organization'): string[] {
    const values: Record<string, string> = {
      id: 'tax-extra',
      registry: 'identity',
      service: 'person',
      dataItems: '[firstName, lastName]',
      purposes: '[tax-collection]',
      validFrom: '2026-03-21',
      validUntil: '2027-03-20',
      dailyQuota: '1000',
      ...fields,
    };
    const lines = [`consumer: ${consumer}`, 'agreements:'];
    Object.entries(values).forEach(([key, value], i) => lines.push(`${i === 0 ? '  - ' : '    '}${key}: ${value}`));
    return lines;
  }

  it('loads an unchanged copy and a valid added agreement (the fixture works)', () => {
    const dir = contractsWith({ 'agreements/zz-tax-extra.yaml': taxAgreement() });
    expect(loadContracts(dir, catalog, { production: false }).agreements.map((a) => a.id)).toContain('tax-extra');
  });

  it('names an unknown field, its file, pointer and line', () => {
    const lines = taxAgreement();
    lines.splice(5, 0, '    nationalIds: [0067749828]'); // line 6
    const error = loadError(contractsWith({ 'agreements/zz-tax-extra.yaml': lines }));
    expect(error.source).toMatch(/contracts\/agreements\/zz-tax-extra\.yaml$/);
    expect(error.location).toBe('/agreements/0 (line 3)');
    expect(error.message).toMatch(/contracts\/agreements\/zz-tax-extra\.yaml at \/agreements\/0 \(line 3\): has an unknown field "nationalIds"$/);
  });

  it('names an unknown top-level field of an agency file', () => {
    const error = loadError(
      contractsWith({
        'agencies/customs.yaml': ['id: customs', 'name:', '  fa: گمرک', '  en: Customs', 'roles: [consumer]', 'website: https://irica.ir'],
      }),
    );
    expect(error.message).toMatch(/contracts\/agencies\/customs\.yaml at \/ \(line 1\): has an unknown field "website"$/);
  });

  it("reads an agency's certificates and a key's binding, and names an issuer whose CA is no certificate, with its line", () => {
    const agency = ['id: customs', 'name: {fa: گمرک, en: Customs}', 'roles: [consumer]', 'apiKeys:', `  - {id: gate, sha256: ${'c1'.repeat(32)}, certificate: agency}`];
    const loaded = loadContracts(contractsWith({ 'agencies/customs.yaml': [...agency, 'certificates:', `  fingerprints: [${'ab'.repeat(32)}]`] }), catalog, { production: false });
    expect(loaded.agencyCertificates?.customs).toEqual({ fingerprints: ['ab'.repeat(32)], issuers: [] });
    expect(loaded.apiKeys.find((k) => k.keyId === 'gate')?.certificate).toBe('agency');
    const error = loadError(contractsWith({ 'agencies/customs.yaml': [...agency, 'certificates:', '  issuers:', '    - {subject: "CN=gate", ca: not a certificate}'] }));
    expect(error.message).toMatch(/contracts\/agencies\/customs\.yaml at \/certificates\/issuers\/0\/ca \(line 8\): is not a PEM certificate$/);
    const binding = loadError(contractsWith({ 'agencies/customs.yaml': ['id: customs', 'name: {fa: گمرک, en: Customs}', 'roles: [consumer]', 'apiKeys:', `  - {id: gate, sha256: ${'c1'.repeat(32)}, certificate: any}`] }));
    expect(binding.location).toMatch(/^\/apiKeys\/0\/certificate/);
  });

  it('names a missing required field', () => {
    const lines = taxAgreement();
    lines.splice(9, 1); // drop dailyQuota
    const error = loadError(contractsWith({ 'agreements/zz-tax-extra.yaml': lines }));
    expect(error.message).toContain('zz-tax-extra.yaml at /agreements/0/dailyQuota (line 3):');
    expect(error.message).toContain('dailyQuota');
  });

  it('names a data item the service does not have, listing those it has', () => {
    const error = loadError(contractsWith({ 'agreements/zz-tax-extra.yaml': taxAgreement({ dataItems: '[firstName, nationalId]' }) }));
    expect(error.location).toBe('/agreements/0/dataItems/1 (line 6)');
    expect(error.message).toContain(
      'zz-tax-extra.yaml at /agreements/0/dataItems/1 (line 6): "nationalId" is not a data item of identity/person (it has: firstName, lastName, fatherName, gender, birthDate, birthDateJalali, alive, deathDate)',
    );
  });

  it('names a registry that is not catalogued', () => {
    const error = loadError(contractsWith({ 'agreements/zz-tax-extra.yaml': taxAgreement({ registry: 'cadastre' }) }));
    expect(error.message).toMatch(/zz-tax-extra\.yaml at \/agreements\/0\/registry \(line 4\): no registry "cadastre" is catalogued$/);
  });

  it('names a service the registry does not have', () => {
    const error = loadError(contractsWith({ 'agreements/zz-tax-extra.yaml': taxAgreement({ service: 'persons' }) }));
    expect(error.message).toMatch(/zz-tax-extra\.yaml at \/agreements\/0\/service \(line 5\): registry "identity" has no service "persons"$/);
  });

  it('reads an agreement naming an event type (issue 14), whose data items are the event\'s fields', () => {
    const dir = contractsWith({ 'agreements/zz-tax-extra.yaml': taxAgreement({ service: 'person-changed', dataItems: '[nationalId, changedOn]' }) });
    const eventTypes = EventTypeCatalog.load('schemas');
    expect(loadContracts(dir, catalog, { production: false, eventTypes }).agreements.find((a) => a.id === 'tax-extra')).toMatchObject({ registry: 'identity', service: 'person-changed' });
    const wrong = contractsWith({ 'agreements/zz-tax-extra.yaml': taxAgreement({ service: 'person-changed', dataItems: '[firstName]' }) });
    expect(() => loadContracts(wrong, catalog, { production: false, eventTypes })).toThrow('"firstName" is not a data item of identity/person-changed (it has: nationalId, changedOn)');
    // Without the event types, as before: no such service.
    expect(() => loadContracts(dir, catalog, { production: false })).toThrow('registry "identity" has no service "person-changed"');
  });

  it('names a consumer no agency file defines', () => {
    const error = loadError(contractsWith({ 'agreements/ghost.yaml': taxAgreement({}, 'ghost-agency') }));
    expect(error.source).toMatch(/contracts\/agreements\/ghost\.yaml$/);
    expect(error.message).toContain('ghost.yaml at /consumer (line 1): names agency "ghost-agency", which no file in');
    expect(error.message).toContain('agencies defines');
  });

  it('names a consumer that does not hold the consumer role', () => {
    const error = loadError(contractsWith({ 'agreements/police.yaml': taxAgreement({}, 'police') }));
    expect(error.message).toMatch(/police\.yaml at \/consumer \(line 1\): agency "police" does not hold the consumer role$/);
  });

  it('names a validUntil before validFrom', () => {
    const error = loadError(contractsWith({ 'agreements/zz-tax-extra.yaml': taxAgreement({ validFrom: '2027-03-21', validUntil: '2027-03-20' }) }));
    expect(error.message).toMatch(/zz-tax-extra\.yaml at \/agreements\/0\/validUntil \(line 9\): is before validFrom$/);
  });

  it('accepts an agreement in force for a single day', () => {
    const dir = contractsWith({ 'agreements/zz-tax-extra.yaml': taxAgreement({ validFrom: '2027-03-21', validUntil: '2027-03-21' }) });
    expect(() => loadContracts(dir, catalog, { production: false })).not.toThrow();
  });

  it('names an agreement id defined twice across files', () => {
    const error = loadError(contractsWith({ 'agreements/zz-tax-extra.yaml': taxAgreement({ id: 'tax-identity-person-1405', purposes: '[other]' }) }));
    expect(error.message).toMatch(/zz-tax-extra\.yaml at \/agreements\/0\/id \(line 3\): agreement "tax-identity-person-1405" is defined twice$/);
  });

  it('names an agreement id defined twice in one file', () => {
    const lines = [...taxAgreement({ purposes: '[one]' }), ...taxAgreement({ purposes: '[two]' }).slice(2)];
    const error = loadError(contractsWith({ 'agreements/zz-tax-extra.yaml': lines }));
    expect(error.message).toMatch(/zz-tax-extra\.yaml at \/agreements\/1\/id \(line 11\): agreement "tax-extra" is defined twice$/);
  });

  it('names agreements that overlap in service, purpose and days', () => {
    const error = loadError(
      contractsWith({ 'agreements/zz-tax-extra.yaml': taxAgreement({ purposes: '[audit, taxpayer-registration]', validFrom: '2027-03-20', validUntil: '2028-03-19' }) }),
    );
    expect(error.message).toMatch(
      /zz-tax-extra\.yaml at \/agreements\/0\/purposes \(line 7\): overlaps agreement "tax-identity-person-1405" for the same service, major, purpose and days; one agreement must decide$/,
    );
  });

  it('reads the major an agreement covers (1 when absent), and lets agreements for different majors overlap', () => {
    const dir = contractsWith({
      'agreements/zz-tax-extra.yaml': taxAgreement({ major: '2', purposes: '[taxpayer-registration]', validFrom: '2027-03-20', validUntil: '2028-03-19' }),
    });
    const agreements = loadContracts(dir, catalog, { production: false }).agreements;
    expect(agreements.find((a) => a.id === 'tax-extra')?.major).toBe(2);
    expect(agreements.find((a) => a.id === 'tax-identity-person-1405')?.major).toBeUndefined();
    expect(loadError(contractsWith({ 'agreements/zz-tax-extra.yaml': taxAgreement({ major: '0' }) })).message).toContain('zz-tax-extra.yaml at /agreements/0/major');
  });

  it('allows agreements for the same service and purpose on days that do not overlap', () => {
    const dir = contractsWith({
      'agreements/zz-tax-extra.yaml': taxAgreement({ purposes: '[taxpayer-registration]', validFrom: '2027-03-21', validUntil: '2028-03-19' }),
    });
    expect(loadContracts(dir, catalog, { production: false }).agreements.filter((a) => a.registry === 'identity' && a.consumer === 'tax-organization')).toHaveLength(2);
  });

  const agencyWithNetworks = (networks: string[]) => [
    'id: customs',
    'name:',
    '  fa: گمرک جمهوری اسلامی ایران',
    '  en: Customs',
    'roles: [consumer]',
    'apiKeys:',
    '  - id: customs-key',
    `    sha256: ${'ab'.repeat(32)}`,
    `    networks: ${JSON.stringify(networks)}`,
  ];

  it.each([
    ['a prefix too long', ['10.0.0.0/33'], 0],
    ['a truncated address', ['10.0.0/8'], 0],
    ['a host name', ['gateway.customs.ir'], 0],
    ['an IPv6 prefix too long', ['2001:db8::/129'], 0],
    ['a prefix that is not a number', ['10.0.0.0/eight'], 0],
    ['a negative prefix', ['10.0.0.0/-1'], 0],
    ['a bad second network', ['10.0.0.0/8', '192.168.1.0/24x'], 1],
  ])('names an API key network with %s', (_case, networks, index) => {
    const error = loadError(contractsWith({ 'agencies/customs.yaml': agencyWithNetworks(networks) }));
    expect(error.source).toMatch(/contracts\/agencies\/customs\.yaml$/);
    expect(error.location).toBe(`/apiKeys/0/networks/${index} (line 9)`);
    expect(error.message).toMatch(/customs\.yaml at \/apiKeys\/0\/networks\/\d \(line 9\): ".*" is not an IP network in CIDR form$/);
    expect(error.message).toContain(`"${networks[index]}" is not an IP network in CIDR form`);
  });

  // A stray slash must not turn a restricted key into one accepted from every address
  // (Number('') is 0, which would make "10.0.0.0/" the network 0.0.0.0/0).
  it.each([['10.0.0.0/'], ['10.0.0.0/8/16']])('names the malformed network %s instead of widening the key', (cidr) => {
    const error = loadError(contractsWith({ 'agencies/customs.yaml': agencyWithNetworks([cidr]) }));
    expect(error.message).toMatch(/customs\.yaml at \/apiKeys\/0\/networks\/0 \(line 9\): ".*" is not an IP network in CIDR form$/);
  });

  it('accepts API key networks in CIDR form, and checks calls against them', () => {
    const dir = contractsWith({ 'agencies/customs.yaml': agencyWithNetworks(['10.20.0.0/16', '2001:db8::/32', '192.0.2.7']) });
    const key = loadContracts(dir, catalog, { production: false }).apiKeys.find((k) => k.keyId === 'customs-key')!;
    expect(key.networks!.check('10.20.3.4', 'ipv4')).toBe(true);
    expect(key.networks!.check('10.21.0.1', 'ipv4')).toBe(false);
    expect(key.networks!.check('2001:db8::1', 'ipv6')).toBe(true);
    expect(key.networks!.check('192.0.2.7', 'ipv4')).toBe(true);
    expect(key.networks!.check('192.0.2.8', 'ipv4')).toBe(false);
  });

  it('names a file that is not valid YAML, with its line', () => {
    const error = loadError(contractsWith({ 'agreements/zz-tax-extra.yaml': ['consumer: tax-organization', 'agreements:', '  - id: [unclosed', '    registry: identity'] }));
    expect(error.source).toMatch(/contracts\/agreements\/zz-tax-extra\.yaml$/);
    expect(error.location).toMatch(/^line \d+$/);
    expect(error.message).toContain('is not valid YAML');
  });

  it('names an agency defined twice', () => {
    const error = loadError(contractsWith({ 'agencies/zz-police-again.yaml': ['id: police', 'name:', '  fa: پلیس', '  en: Police', 'roles: [provider]'] }));
    expect(error.message).toMatch(/zz-police-again\.yaml at \/id \(line 1\): agency "police" is defined twice$/);
  });

  it('names an API key hash that another entry already holds', () => {
    const hash = 'sha256: c48a01f49fd0f2cc404bc3cbbc80e91457a3d41bb429a695243de4c61794155c';
    const error = loadError(
      contractsWith({
        'agencies/customs.yaml': ['id: customs', 'name:', '  fa: گمرک', '  en: Customs', 'roles: [consumer]', 'apiKeys:', '  - id: key-one', `    ${hash}`, '  - id: key-two', `    ${hash}`],
      }),
    );
    expect(error.message).toMatch(/customs\.yaml at \/apiKeys\/1\/sha256 \(line 10\): is the hash of a key another entry already holds$/);
  });

  it('requires every custodian in the catalog to be a provider agency', () => {
    const error = loadError(contractsWith({}, ['agencies/police.yaml']));
    expect(error.source).toBe('schemas/vehicle/registry.json');
    expect(error.location).toBe('/custodian');
    expect(error.message).toContain('agency "police" must be defined in');
    expect(error.message).toContain('with the provider role');
  });
});
