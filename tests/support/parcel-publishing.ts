/** What the publishing tests publish: cadastre/parcel as its custodian would, bound to a fake registry's own API. */

/** cadastre/parcel as its custodian publishes it: NIX's shape, bound to the registry's own API and field names. */
export function parcelVersion(registryUrl: string, overrides: Record<string, unknown> = {}) {
  return {
    title: { fa: 'استعلام قطعه زمین', en: 'Parcel inquiry' },
    description: { fa: 'مساحت و کاربری قطعه را با شماره قطعه برمی‌گرداند.', en: "Given a parcel number, answers the parcel's area and land use." },
    request: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['parcelId'],
      properties: { parcelId: { type: 'string', pattern: '^P-[0-9]{1,8}$' } },
      examples: [{ parcelId: 'P-17' }],
    },
    response: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['parcelId', 'areaSquareMetres'],
      properties: { parcelId: { type: 'string' }, areaSquareMetres: { type: 'number', minimum: 0 }, landUse: { type: ['string', 'null'] }, county: { type: 'string' } },
      examples: [{ parcelId: 'P-17', areaSquareMetres: 250.5, landUse: 'residential', county: 'Shemiranat' }],
    },
    timeoutMs: 3000,
    loa: null,
    hours: [{ days: ['sat', 'sun', 'mon', 'tue', 'wed'], from: '08:00', until: '16:00' }],
    dataProtectionStatement: 'https://cadastre.example/privacy',
    binding: {
      kind: 'http',
      method: 'GET',
      url: `${registryUrl}/parcels/{parcelId}`,
      response: { parcelId: '/parcel_no', areaSquareMetres: '/area_m2', landUse: '/land_use', county: '/county' },
    },
    ...overrides,
  };
}

/** A small JSON Schema 2020-12 object with every property required, and one example. */
export function objectSchema(properties: Record<string, unknown>, example: Record<string, unknown>) {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties),
    properties,
    examples: [example],
  };
}
