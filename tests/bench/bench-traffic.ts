/** The catalogued services with their custodians, as the benchmarks' synthetic traffic uses them. */
export const SERVICES: readonly (readonly [registry: string, service: string, custodian: string])[] = [
  ['identity', 'person', 'civil-registration'],
  ['identity', 'person-verification', 'civil-registration'],
  ['legal-entity', 'company', 'deeds-registration'],
  ['address', 'postal-code', 'iran-post'],
  ['vehicle', 'vehicle', 'police'],
  ['goods', 'goods', 'mimt'],
];
