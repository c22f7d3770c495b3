import { Pool } from 'undici';
import { exchangeHeaders, type BackendRequest } from '../adapter/registry-adapter';

/** A registry's own REST API answered this status; the adapter reports a provider error. */
export class RegistryHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryHttpError';
  }
}

export interface RegistryHttpResponse {
  status: number;
  body: unknown;
}

/** The port through which HTTP backends reach a registry's REST API. */
export interface RegistryHttpClient {
  /** GET with the exchange's headers (X-NIX-Exchange-Id, X-NIX-Tracking-Code), ended by the request's signal. */
  getJson(path: string, request: BackendRequest): Promise<RegistryHttpResponse>;
  close(): Promise<void>;
}

export interface RegistryHttpOptions {
  baseUrl: string;
  /** Sent as Authorization when set: the broker's credential at the registry. */
  authorization?: string;
  connections?: number;
}

/** Keep-alive connection pool to one registry (undici). */
export class UndiciRegistryHttpClient implements RegistryHttpClient {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly headers: Record<string, string>;

  constructor(options: RegistryHttpOptions) {
    const url = new URL(options.baseUrl);
    this.pool = new Pool(url.origin, { connections: options.connections ?? 32, pipelining: 1 });
    this.basePath = url.pathname.replace(/\/$/, '');
    this.headers = { accept: 'application/json', ...(options.authorization ? { authorization: options.authorization } : {}) };
  }

  async getJson(path: string, request: BackendRequest): Promise<RegistryHttpResponse> {
    const headers = { ...this.headers, ...exchangeHeaders(request) };
    const response = await this.pool.request({ method: 'GET', path: this.basePath + path, headers, signal: request.signal });
    if (response.statusCode === 404) {
      await response.body.dump();
      return { status: 404, body: null };
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      await response.body.dump();
      throw new RegistryHttpError(response.statusCode, `registry answered HTTP ${response.statusCode}`);
    }
    return { status: response.statusCode, body: await response.body.json() };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** A registry answered 200 with something the mapping cannot read. */
export class RegistryAnswerError extends Error {
  constructor(readonly field: string) {
    super(`the registry's answer has no readable "${field}"`);
    this.name = 'RegistryAnswerError';
  }
}

export function unreadable(_registry: string, field: string): never {
  throw new RegistryAnswerError(field);
}

export function text(registry: string, body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value.length === 0) unreadable(registry, field);
  return value;
}

export function optionalText(registry: string, body: Record<string, unknown>, field: string): string | null {
  const value = body[field];
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string' && typeof value !== 'number') unreadable(registry, field);
  return String(value);
}

export function asObject(registry: string, body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) unreadable(registry, 'body');
  return body as Record<string, unknown>;
}
