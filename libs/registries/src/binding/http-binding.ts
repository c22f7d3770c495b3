/**
 * An `http` binding: how the adapter host reaches a registry's own HTTP API
 * for one service, without code. Published with the service's version and
 * checked by checkBinding() before it is stored.
 *
 * ```json
 * { "kind": "http", "method": "GET", "url": "https://registry.example/parcels/{parcelId}",
 *   "headers": { "Authorization": { "credential": "CADASTRE_TOKEN" } },
 *   "response": { "parcelId": "/parcel_no", "areaSquareMetres": "/area_m2" } }
 * ```
 */
export interface HttpBinding {
  kind: 'http';
  method: HttpBindingMethod;
  /**
   * An RFC 6570 URL template whose variables are request fields, e.g. `https://registry.example/parcels/{parcelId}`
   * or `https://registry.example/vehicles{?plate,vin}`. The origin is fixed (no variable before the path), and
   * values are always percent-encoded: `{+x}` and `{#x}`, which would let a value add `/`, `?` or `#`, are refused.
   */
  url: string;
  /** Headers sent with every call: a literal value, or a credential by name (its value is NIX_CREDENTIAL_<NAME>). */
  headers?: Record<string, string | CredentialReference>;
  /**
   * POST only: the JSON body sent, as a map from each registry field to a JSON pointer into the request
   * (nested maps build nested objects). Without it, a POST sends the request's fields as they are.
   */
  body?: FieldMap;
  /** From each response property to a JSON pointer (RFC 6901) into the registry's answer; a nested map builds an object. */
  response?: FieldMap;
  /**
   * A JSONata expression over the registry's answer that gives the response object: instead of `response`, where
   * fields are computed. The inquiry's fields are `$request` (e.g. `"ownerMatch": owner_nin = $request.ownerNationalId`).
   */
  responseExpression?: string;
}

export type HttpBindingMethod = 'GET' | 'POST';

export interface CredentialReference {
  credential: string;
}

/** Property → JSON pointer, or a nested map for a property that is an object. */
export interface FieldMap {
  [property: string]: string | FieldMap;
}

/** An HTTP header name (RFC 9110 token), of a sensible length. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;

/** Header names a binding may not set: the HTTP client owns them. */
/** Headers a binding may not set: the HTTP client's own, and the exchange's (X-NIX-Exchange-Id, X-NIX-Tracking-Code), which NIX sends on every call. */
export const RESERVED_HEADERS = ['host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'x-nix-exchange-id', 'x-nix-tracking-code'];

/** The binding's shape (JSON Schema 2020-12); the rules it cannot say (template, pointers, credentials) are in checkBinding(). */
export const HTTP_BINDING_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: '/schemas/bindings/http.json',
  title: 'An http binding of a registry service',
  type: 'object',
  additionalProperties: false,
  required: ['kind', 'method', 'url'],
  oneOf: [{ required: ['response'] }, { required: ['responseExpression'] }],
  properties: {
    kind: { const: 'http' },
    method: { enum: ['GET', 'POST'] },
    url: { type: 'string', minLength: 1, maxLength: 2048 },
    headers: {
      type: 'object',
      maxProperties: 20,
      // One line of text, or a credential by name: one schema for both, so a wrong value gets one error.
      additionalProperties: {
        type: ['string', 'object'],
        maxLength: 1024,
        pattern: '^[^\\r\\n\\u0000]*$',
        additionalProperties: false,
        required: ['credential'],
        properties: { credential: { type: 'string', pattern: '^[A-Z0-9_]{1,64}$' } },
      },
    },
    body: { type: 'object', $ref: '#/$defs/mapEntry' },
    response: { type: 'object', $ref: '#/$defs/mapEntry' },
    responseExpression: { type: 'string', minLength: 1, maxLength: 10000 },
  },
  $defs: {
    // A pointer, or a nested map: one schema for both, so a wrong entry gets one error.
    mapEntry: {
      type: ['string', 'object'],
      maxLength: 1024,
      minProperties: 1,
      maxProperties: 200,
      additionalProperties: { $ref: '#/$defs/mapEntry' },
    },
  },
} as const;
