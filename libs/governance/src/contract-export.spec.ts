import { parse } from 'yaml';
import type { GovernedAgreement } from './agreement-lifecycle';
import { renderContractFiles } from './contract-export';
import { blockListOf } from './network-list';
import type { StoredApiKey } from './stored-api-key';

const TAX = { id: 'tax-organization', name: { fa: 'مالیات', en: 'Tax' }, roles: ['consumer' as const], demo: false };
const DEMO = { id: 'demo-agency', name: { fa: 'نمایشی', en: 'Demo' }, roles: ['consumer' as const], demo: true };

function key(keyId: string, extra: Partial<StoredApiKey> = {}): StoredApiKey {
  return { agencyId: TAX.id, keyId, sha256: 'a'.repeat(64), networks: null, expires: null, createdAt: new Date(0), lastUsedDay: null, revokedAt: null, ...extra };
}

function agreement(id: string, extra: Partial<GovernedAgreement> = {}): GovernedAgreement {
  return {
    id,
    consumer: TAX.id,
    registry: 'identity',
    service: 'person',
    dataItems: ['alive'],
    purposes: ['taxpayer-registration'],
    validFrom: '2026-03-21',
    validUntil: '2027-03-20',
    dailyQuota: 5,
    resolution: 'IWG-1',
    status: 'active',
    ...extra,
  };
}

describe('the export of the governance state as contracts/ YAML', () => {
  const files = renderContractFiles(
    [TAX, DEMO],
    [key('live', { networks: blockListOf(['10.0.0.0/8']), expires: '2027-01-01' }), key('old', { revokedAt: new Date(0) })],
    [agreement('in-force'), agreement('paused', { status: 'suspended' }), agreement('ended', { status: 'revoked' }), agreement('demo-one', { consumer: DEMO.id, resolution: null })],
  );
  const file = (path: string) => parse(files.find((f) => f.path === path)!.content);

  it('writes one file per agency and per consumer, demo ones under demo/', () => {
    expect(files.map((f) => f.path).sort()).toEqual([
      'agencies/tax-organization.yaml',
      'agreements/tax-organization.yaml',
      'demo/agencies/demo-agency.yaml',
      'demo/agreements/demo-agency.yaml',
    ]);
    expect(file('demo/agencies/demo-agency.yaml')).toEqual({ id: 'demo-agency', name: DEMO.name, roles: ['consumer'], demo: true });
  });

  it('leaves out revoked keys, and keeps the networks and expiry of the others', () => {
    expect(file('agencies/tax-organization.yaml').apiKeys).toEqual([{ id: 'live', sha256: 'a'.repeat(64), networks: ['10.0.0.0/8'], expires: '2027-01-01' }]);
  });

  it("writes an agency's registered certificates and each key's binding, and nothing for an agency that registered none", () => {
    const issuer = { subject: 'CN=tax-gateway,O=Tax', ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' };
    const written = renderContractFiles([TAX, DEMO], [key('gate', { certificate: 'agency' }), key('pinned', { certificate: 'cd'.repeat(32) })], [], {
      [TAX.id]: { fingerprints: ['ab'.repeat(32)], issuers: [issuer] },
      [DEMO.id]: { fingerprints: [], issuers: [] },
    });
    const tax = parse(written.find((f) => f.path === 'agencies/tax-organization.yaml')!.content);
    expect(tax.certificates).toEqual({ fingerprints: ['ab'.repeat(32)], issuers: [issuer] });
    expect(tax.apiKeys.map((k: { certificate?: string }) => k.certificate)).toEqual(['agency', 'cd'.repeat(32)]);
    expect(parse(written.find((f) => f.path === 'demo/agencies/demo-agency.yaml')!.content).certificates).toBeUndefined();
  });

  it('writes the major an agreement covers where it is not 1, and only there', () => {
    const majors = renderContractFiles([TAX], [], [agreement('first', { major: 1 }), agreement('second', { major: 2 })]);
    const entries = parse(majors.find((f) => f.path === 'agreements/tax-organization.yaml')!.content).agreements;
    expect(entries.map((e: { id: string; major?: number }) => [e.id, e.major])).toEqual([
      ['first', undefined],
      ['second', 2],
    ]);
    expect(Object.keys(entries[1]).slice(0, 5)).toEqual(['id', 'registry', 'service', 'major', 'dataItems']);
  });

  it('writes the agreements in force only, with their resolution', () => {
    expect(file('agreements/tax-organization.yaml').agreements.map((a: { id: string; resolution?: string }) => [a.id, a.resolution])).toEqual([['in-force', 'IWG-1']]);
    expect(file('demo/agreements/demo-agency.yaml').agreements[0]).not.toHaveProperty('resolution');
  });
});
