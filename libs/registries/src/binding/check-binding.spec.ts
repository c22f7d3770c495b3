import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PARCEL_REQUEST_SCHEMA, PARCEL_RESPONSE_SCHEMA } from '@nix/registries/testing';
import { checkBinding } from './check-binding';

const PARCEL = {
  kind: 'http',
  method: 'GET',
  url: 'https://registry.example/parcels/{parcelId}',
  response: { parcelId: '/parcel_no', areaSquareMetres: '/area_m2' },
};
const CREDENTIALS = ['CADASTRE_TOKEN'];

function check(binding: unknown, credentials: string[] = CREDENTIALS) {
  return checkBinding(binding, PARCEL_REQUEST_SCHEMA, PARCEL_RESPONSE_SCHEMA, credentials);
}

function schemaOf(registry: string, file: string) {
  return JSON.parse(readFileSync(join(__dirname, '../../../../schemas', registry, file), 'utf8'));
}

describe('checkBinding', () => {
  it('finds nothing wrong with the example binding of the issue', () => {
    expect(check(PARCEL)).toEqual([]);
  });

  it('accepts headers, query expressions, a JSONata expression and a POST body', () => {
    const binding = {
      kind: 'http',
      method: 'POST',
      url: 'https://registry.example:8443/api/parcels/search{?parcelId}',
      headers: { Authorization: { credential: 'CADASTRE_TOKEN' }, 'X-Client': 'nix' },
      body: { parcel_no: '/parcelId', query: { id: '/parcelId' } },
      responseExpression: '{ "parcelId": parcel_no, "areaSquareMetres": area_m2, "areaHectares": area_m2 / 10000 }',
    };
    expect(check(binding)).toEqual([]);
    expect(check({ ...PARCEL, url: 'http://10.0.0.7{/parcelId}' })).toEqual([]);
  });

  it('accepts the address binding, which expresses the GNAF backend', () => {
    const binding = JSON.parse(readFileSync(join(__dirname, 'examples/address.binding.json'), 'utf8'));
    const request = schemaOf('address', 'postal-code.request.json');
    const response = schemaOf('address', 'postal-code.response.json');
    expect(checkBinding(binding, request, response, ['GNAF_TOKEN'])).toEqual([]);
    expect(checkBinding(binding, request, response, [])).toEqual([
      { pointer: '/headers/Authorization/credential', detail: 'names no configured credential (set NIX_CREDENTIAL_GNAF_TOKEN where the adapters run)' },
    ]);
  });

  it('names the shape errors by pointer', () => {
    expect(check({ ...PARCEL, kind: 'soap' })).toEqual([{ pointer: '/kind', detail: 'must be equal to constant' }]);
    expect(check({ ...PARCEL, method: 'DELETE' })).toEqual([{ pointer: '/method', detail: 'must be equal to one of the allowed values' }]);
    expect(check({ ...PARCEL, timeout: 5 })).toEqual([{ pointer: '/timeout', detail: 'is not a field of an http binding' }]);
    expect(check({ kind: 'http', method: 'GET', response: PARCEL.response })).toEqual([{ pointer: '/url', detail: 'is required' }]);
    expect(check({ ...PARCEL, response: { parcelId: 7 } })).toEqual([{ pointer: '/response/parcelId', detail: 'must be string,object' }]);
    expect(check({ ...PARCEL, response: {} })).toEqual([{ pointer: '/response', detail: 'must have at least 1 fields' }]);
    expect(check({ ...PARCEL, response: ['/parcel_no'] })).toEqual([{ pointer: '/response', detail: 'must be object' }]);
    const headerValue = 'must be one line of text, or {"credential": "NAME"} with NAME in capitals, digits and _';
    expect(check({ ...PARCEL, headers: { 'X-Trace': 'a\r\nInjected: yes' } })).toEqual([{ pointer: '/headers/X-Trace', detail: headerValue }]);
    expect(check({ ...PARCEL, headers: { Authorization: { credential: 'cadastre-token' } } })).toEqual([{ pointer: '/headers/Authorization/credential', detail: headerValue }]);
    expect(check({ ...PARCEL, headers: { Authorization: 7 } })).toEqual([{ pointer: '/headers/Authorization', detail: headerValue }]);
    expect(check({ ...PARCEL, headers: { Authorization: { secret: 'x' } } })).toEqual([
      { pointer: '/headers/Authorization/credential', detail: 'is required' },
      { pointer: '/headers/Authorization/secret', detail: 'is not a field of an http binding' },
    ]);
    expect(check({ ...PARCEL, headers: { 'Bad Header': 'x', 'a/b': 'y' } })).toEqual([
      { pointer: '/headers/Bad Header', detail: 'is not an HTTP header name' },
      { pointer: '/headers/a~1b', detail: 'is not an HTTP header name' },
    ]);
    expect(check('http://registry.example')).toEqual([{ pointer: '', detail: 'must be object' }]);
  });

  it('wants exactly one of response and responseExpression', () => {
    const { response: _response, ...neither } = PARCEL;
    expect(check(neither)).toEqual([{ pointer: '', detail: 'must give exactly one of: response, responseExpression' }]);
    expect(check({ ...PARCEL, responseExpression: '{}' })).toEqual([{ pointer: '', detail: 'must give exactly one of: response, responseExpression' }]);
  });

  it('refuses a template naming a field that the request lacks', () => {
    expect(check({ ...PARCEL, url: 'https://registry.example/parcels/{parcelNo}{?year,parcelNo}' })).toEqual([
      { pointer: '/url', detail: 'names {parcelNo}, which is not a field of the request' },
      { pointer: '/url', detail: 'names {year}, which is not a field of the request' },
    ]);
  });

  it('refuses a URL that is not an RFC 6570 template', () => {
    const [error, ...rest] = check({ ...PARCEL, url: 'https://registry.example/parcels/{parcelId' });
    expect(rest).toEqual([]);
    expect(error.pointer).toBe('/url');
    expect(error.detail).toMatch(/^is not an RFC 6570 URL template: Expected .* but end of input found\.$/);
  });

  it.each([
    ['a variable host', 'https://{parcelId}.registry.example/parcels'],
    ['a variable port', 'https://registry.example:{parcelId}/parcels'],
    ['a variable host suffix', 'https://registry.example{parcelId}/parcels'],
    ['a relative URL', '/parcels/{parcelId}'],
    ['another scheme', 'ftp://registry.example/parcels/{parcelId}'],
    ['user information', 'https://user@registry.example/parcels/{parcelId}'],
  ])('refuses %s', (_case, url) => {
    expect(check({ ...PARCEL, url })).toContainEqual({ pointer: '/url', detail: 'must begin with a fixed http:// or https:// origin (no variable in the host or port)' });
  });

  it('refuses reserved expansion, which would let a value reshape the URL', () => {
    expect(check({ ...PARCEL, url: 'https://registry.example/parcels/{+parcelId}' })).toEqual([
      { pointer: '/url', detail: 'uses {+…}, which would let a request value add reserved characters to the URL; use {…}, {/…} or {?…}' },
    ]);
  });

  it('names a credential that is not configured, and headers the client owns', () => {
    expect(check({ ...PARCEL, headers: { Authorization: { credential: 'DEEDS_TOKEN' }, Host: 'evil.example', 'X-NIX-Exchange-Id': 'fixed' } })).toEqual([
      { pointer: '/headers/Authorization/credential', detail: 'names no configured credential (set NIX_CREDENTIAL_DEEDS_TOKEN where the adapters run)' },
      { pointer: '/headers/Host', detail: 'is set by NIX (the HTTP client, or the exchange it carries), not by a binding' },
      { pointer: '/headers/X-NIX-Exchange-Id', detail: 'is set by NIX (the HTTP client, or the exchange it carries), not by a binding' },
    ]);
  });

  it('checks the response map against the response schema, and its values as pointers', () => {
    expect(check({ ...PARCEL, response: { parcelId: 'parcel_no', areaSquareMetres: '/area_m2', owner: '/owner_nin', 'a/b': '/x' } })).toEqual([
      { pointer: '/response/parcelId', detail: "is not a JSON pointer (RFC 6901) into the registry's answer, such as /parcel_no" },
      { pointer: '/response/owner', detail: 'is not a property of the response schema' },
      { pointer: '/response/a~1b', detail: 'is not a property of the response schema' },
    ]);
    expect(check({ ...PARCEL, response: { parcelId: '/parcel_no' } })).toEqual([
      { pointer: '/response', detail: 'leaves out areaSquareMetres, which the response schema requires' },
    ]);
    expect(check({ ...PARCEL, response: { ...PARCEL.response, landUse: { code: '/land_use' } } })).toEqual([
      { pointer: '/response/landUse', detail: 'maps fields into a property whose schema lists none' },
    ]);
  });

  it('checks nested maps against the nested schema', () => {
    const request = schemaOf('address', 'postal-code.request.json');
    const response = schemaOf('address', 'postal-code.response.json');
    const binding = { kind: 'http', method: 'GET', url: 'https://gnaf.example/addresses/{postalCode}', response: { coordinates: { latitude: '/lat', altitude: '/alt' } } };
    expect(checkBinding(binding, request, response, [])).toEqual([
      { pointer: '/response/coordinates/altitude', detail: 'is not a property of the response schema' },
      { pointer: '/response/coordinates', detail: 'leaves out longitude, which the response schema requires' },
    ]);
  });

  it('checks a POST body against the request, and refuses a body with GET', () => {
    expect(check({ ...PARCEL, body: { parcel_no: '/parcelId' } })).toEqual([{ pointer: '/body', detail: 'is sent only with POST' }]);
    expect(check({ ...PARCEL, method: 'POST', body: { parcel_no: '/parcelNo', all: '', bad: 'parcelId' } })).toEqual([
      { pointer: '/body/parcel_no', detail: 'points at parcelNo, which is not a field of the request' },
      { pointer: '/body/bad', detail: 'is not a JSON pointer (RFC 6901), such as /nationalId' },
    ]);
  });

  it('names a JSONata expression that does not compile', () => {
    const { response: _response, ...rest } = PARCEL;
    const [error, ...others] = check({ ...rest, responseExpression: '{ "parcelId": parcel_no, ' });
    expect(others).toEqual([]);
    expect(error.pointer).toBe('/responseExpression');
    expect(error.detail).toMatch(/^is not a JSONata expression: .+ \(at character \d+\)$/);
  });
});
