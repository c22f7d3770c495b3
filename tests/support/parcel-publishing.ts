import { parcelVersionBody } from '@nix/catalog/testing';

/** What the publishing tests publish: cadastre/parcel as its custodian would, bound to a fake registry's own API. */

/** cadastre/parcel as its custodian publishes it: NIX's shape, bound to the registry's own API and field names. */
export function parcelVersion(registryUrl: string, overrides: Record<string, unknown> = {}) {
  // The catalogue specs' parcel version (titles, hours, statement), with a request and answer the fake registry serves.
  return {
    ...parcelVersionBody(),
    request: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['parcelId'],
      properties: { parcelId: { type: 'string', pattern: '^P-[0-9]{1,8}$' } },
      examples: [{ parcelId: 'P-17' }],
    },
    response: objectSchema(
      { parcelId: { type: 'string' }, areaSquareMetres: { type: 'number', minimum: 0 }, landUse: { type: ['string', 'null'] }, county: { type: 'string' } },
      { parcelId: 'P-17', areaSquareMetres: 250.5, landUse: 'residential', county: 'Shemiranat' },
      ['parcelId', 'areaSquareMetres'],
    ),
    binding: { kind: 'http', method: 'GET', url: `${registryUrl}/parcels/{parcelId}`, response: { parcelId: '/parcel_no', areaSquareMetres: '/area_m2', landUse: '/land_use', county: '/county' } },
    ...overrides,
  };
}

/** A small JSON Schema 2020-12 object with one example; every property is required unless told which. */
export function objectSchema(properties: Record<string, unknown>, example: Record<string, unknown>, required = Object.keys(properties)) {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    additionalProperties: false,
    required,
    properties,
    examples: [example],
  };
}
