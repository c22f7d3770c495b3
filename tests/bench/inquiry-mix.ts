import { ServiceCatalog } from '@nix/catalog';
import { SampleRegistry } from '@nix/registries';
import { join } from 'node:path';

export interface InquiryRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The benchmark's traffic: every service, each with its catalogued examples
 * and with many records of the sample registries, in a fixed shuffled order.
 * Every request is valid and answers 200 on the embedded default.
 */
export function inquiryMix(size = 2000): InquiryRequest[] {
  const catalog = ServiceCatalog.load(join(__dirname, '..', '..', 'schemas'));
  const { persons, companies, addresses, vehicles, goods } = SampleRegistry.default().dataset;
  const bodies: [string, string, Record<string, unknown>][] = [];
  for (const service of catalog.services()) for (const example of service.examples) bodies.push([service.registry, service.service, example]);
  for (let i = 0; bodies.length < size; i++) {
    const person = persons[i % persons.length];
    const vehicle = vehicles[i % vehicles.length];
    const item = goods[i % goods.length];
    bodies.push(
      ['identity', 'person', { nationalId: person.nationalId, birthDate: person.birthDate }],
      ['identity', 'person-verification', { nationalId: person.nationalId, firstName: person.firstName, lastName: person.lastName }],
      ['legal-entity', 'company', { nationalId: companies[i % companies.length].nationalId }],
      ['address', 'postal-code', { postalCode: addresses[i % addresses.length].postalCode }],
      ['vehicle', 'vehicle', i % 2 ? { plate: vehicle.plate } : { vin: vehicle.vin, ownerNationalId: person.nationalId }],
      ['goods', 'goods', item.gtin && i % 2 ? { gtin: item.gtin } : { iranCode: item.iranCode }],
    );
  }
  // A fixed shuffle, so that consecutive requests of a connection hit different services.
  let seed = 1405;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = bodies.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [bodies[i], bodies[j]] = [bodies[j], bodies[i]];
  }
  return bodies.slice(0, size).map(([registry, service, body]) => ({
    method: 'POST',
    path: `/v1/inquiries/${registry}/${service}`,
    headers: { 'content-type': 'application/json', authorization: 'Bearer demo-key', 'x-purpose': 'demo' },
    body: JSON.stringify(body),
  }));
}
