import type { FastifyRequest } from 'fastify';

export const INQUIRY_PREFIX = '/v1/inquiries/';

/**
 * The path a request names, as the router reads it: without the scheme and
 * authority of an absolute-form request line, without the query, and with
 * its percent-escapes decoded (a malformed one is left as it is).
 */
export function normalisedPath(url: string): string {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/)[0];
  return path.replace(/(?:%[0-9a-f]{2})+/gi, (escapes) => {
    try {
      return decodeURIComponent(escapes);
    } catch {
      return escapes;
    }
  });
}

/**
 * An exchange is any request the router gave to an inquiry route, or whose
 * path lies under /v1/inquiries/ in whatever form it was written (an
 * absolute-form request line, percent-escapes), answered or not.
 */
export function isExchangeRequest(request: FastifyRequest): boolean {
  if (request.routeOptions?.url?.startsWith(INQUIRY_PREFIX)) return true;
  return normalisedPath(request.raw.url ?? request.url).startsWith(INQUIRY_PREFIX);
}

/** A consumer's tracking code: visible ASCII, at most 64 characters. */
export const TRACKING_CODE = /^[\x21-\x7E]{1,64}$/;
