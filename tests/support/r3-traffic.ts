import { SampleRegistry } from '@nix/registries';
import { DEMO_HEADERS, type TestApp } from './test-app';

/**
 * Traffic that carries identifiers everywhere a caller can put them: bodies
 * of every service, tracking codes, purposes, paths, invalid and
 * unauthenticated inquiries. Answers the identifiers (and personal data the
 * answers held) that must never be found in what the broker keeps.
 */
export async function sendIdentifierTraffic(nix: TestApp): Promise<string[]> {
  const { persons, companies, addresses, vehicles, goods } = SampleRegistry.default().dataset;
  const person = persons[7];
  const company = companies[7];
  const address = addresses[7];
  const vehicle = vehicles[7];
  const item = goods.find((g) => g.gtin)!;
  const needles = [
    person.nationalId,
    person.birthDate,
    person.firstName + ' ',
    ' ' + person.lastName,
    company.nationalId,
    address.postalCode,
    vehicle.plate,
    vehicle.vin,
    item.iranCode,
    item.gtin!,
    '0067749828',
    '0067749829',
    '1193653471',
    '12ب345-67',
    'NAAM11CA3EK123456',
    '2780000116820001',
    '6260100001237',
    '10100841331',
  ];
  const sent = [
    nix.inquire('identity', 'person', { nationalId: person.nationalId, birthDate: person.birthDate }, { ...DEMO_HEADERS, 'x-tracking-code': person.nationalId }),
    nix.inquire('identity', 'person-verification', { nationalId: person.nationalId, firstName: person.firstName }),
    nix.inquire('legal-entity', 'company', { nationalId: company.nationalId }, { ...DEMO_HEADERS, 'x-tracking-code': company.nationalId }),
    nix.inquire('address', 'postal-code', { postalCode: address.postalCode }),
    nix.inquire('vehicle', 'vehicle', { plate: vehicle.plate, ownerNationalId: person.nationalId }),
    nix.inquire('vehicle', 'vehicle', { vin: vehicle.vin }),
    nix.inquire('goods', 'goods', { iranCode: item.iranCode }),
    nix.inquire('goods', 'goods', { gtin: item.gtin }),
    nix.inquire('identity', 'person', { nationalId: '0067749829', birthDate: '1988-03-21' }),
    nix.inquire('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21', extra: '1193653471' }),
    nix.inquire('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21' }, { authorization: 'Bearer demo-key', 'x-purpose': '0067749828' }),
    nix.inquire('identity', 'person', { nationalId: '0067749828', birthDate: '1988-03-21' }, { authorization: 'Bearer 0067749828', 'x-purpose': 'demo' }),
    nix.call('POST', '/v1/inquiries/0067749828/1193653471', { headers: { ...DEMO_HEADERS, 'x-tracking-code': 'TRK-NAAM11CA3EK123456' }, body: { plate: '12ب345-67' } }),
    nix.call('POST', '/v1/inquiries/goods/goods', { headers: { ...DEMO_HEADERS, 'content-type': 'application/json' }, raw: '{"iranCode": "2780000116820001"' }),
    nix.inquire('legal-entity', 'company', { nationalId: '10100841331' }, { ...DEMO_HEADERS, 'x-on-behalf-of': '10100841331' }),
  ];
  const responses = await Promise.all(sent);
  // The traffic above must have happened: answers and refusals alike.
  if (!responses.some((r) => r.status === 200) || !responses.some((r) => r.status >= 400)) throw new Error('identifier traffic did not run');
  return needles;
}
