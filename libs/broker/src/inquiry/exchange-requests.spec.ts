import type { FastifyRequest } from 'fastify';
import { isExchangeRequest, normalisedPath } from './exchange-requests';

function requestOf(url: string, route?: string): FastifyRequest {
  return { url, raw: { url }, routeOptions: { url: route } } as unknown as FastifyRequest;
}

describe('normalisedPath', () => {
  it.each([
    ['/v1/inquiries/identity/person', '/v1/inquiries/identity/person'],
    ['/v1/%69nquiries/identity/person', '/v1/inquiries/identity/person'],
    ['/v1/%69%6Equiries/identity/person?x=%69', '/v1/inquiries/identity/person'],
    ['http://localhost:3000/v1/inquiries/identity/person', '/v1/inquiries/identity/person'],
    ['HTTPS://broker.example/v1/inquiries/x/y#frag', '/v1/inquiries/x/y'],
    ['/v1/inquiries/%zz/person', '/v1/inquiries/%zz/person'],
    ['/v1/inquiries/%E2%82/person', '/v1/inquiries/%E2%82/person'],
    ['/v1/services', '/v1/services'],
    ['*', '*'],
  ])('reads %s as %s', (url, path) => {
    expect(normalisedPath(url)).toBe(path);
  });
});

describe('isExchangeRequest', () => {
  it('takes whatever the router gave to the inquiry route', () => {
    expect(isExchangeRequest(requestOf('/anything', '/v1/inquiries/:registry/:service'))).toBe(true);
  });

  it.each([['/v1/inquiries/identity'], ['/v1/%69nquiries/identity/person'], ['http://h/v1/inquiries/a/b'], ['/v1/inquiries/%zz/b']])(
    'takes an unrouted path under /v1/inquiries/ in any form: %s',
    (url) => {
      expect(isExchangeRequest(requestOf(url))).toBe(true);
    },
  );

  it.each([['/v1/services'], ['/v1/inquiries'], ['/V1/INQUIRIES/a/b'], ['//v1/inquiries/a/b'], ['/metrics']])('leaves out %s', (url) => {
    expect(isExchangeRequest(requestOf(url, url === '/v1/services' ? '/v1/services' : undefined))).toBe(false);
  });
});
