import jsonata from 'jsonata';
import { Pool } from 'undici';
import { parse as parseUriTemplate } from 'uri-template';
import { exchangeHeaders, RecordNotFoundError, type RegistryAdapter, type RegistryCall } from '../adapter/registry-adapter';
import { RegistryAnswerError, RegistryHttpError } from '../http/registry-http-client';
import { applyFieldMap } from './field-map';
import { RESERVED_HEADERS, type HttpBinding } from './http-binding';

export interface HttpBindingAdapterOptions {
  registry: string;
  /** Each service this adapter answers, with its binding (checked by checkBinding() when it was published). */
  bindings: Readonly<Record<string, HttpBinding>>;
  /** NixConfig.credentials: the values that headers name by `{credential}`. */
  credentials: Readonly<Record<string, string>>;
  /** Connections per registry origin. */
  connections?: number;
  /** The largest answer read, in bytes; a longer one is unreadable. */
  maxAnswerBytes?: number;
}

/** What a JSONata response expression may spend on one answer (mapping one takes well under a millisecond): it is the custodian's code, and it runs on the adapter host's event loop. */
const EXPRESSION_LIMITS = { timeout: 250, stack: 200, sequence: 100_000 };

interface PreparedBinding {
  method: HttpBinding['method'];
  template: ReturnType<typeof parseUriTemplate>;
  headers: Record<string, string>;
  binding: HttpBinding;
  expression: jsonata.Expression | null;
}

/** The binding's JSONata expression could not map the registry's answer: a provider error whose reason never holds a value. */
export class ResponseExpressionError extends RegistryAnswerError {
  constructor(reason: string) {
    super('responseExpression');
    this.message = `the binding's response expression ${reason}`;
    this.name = 'ResponseExpressionError';
  }
}

/**
 * A provider adapter for one registry whose services are `http` bindings: no code per registry. Fills the URL
 * template from the inquiry, calls the registry through the host's RegistryCall (deadline and breaker) over a
 * keep-alive pool per origin, maps its status, and maps its JSON answer to the published response shape.
 * Nothing of the inquiry or the answer is logged or put in an error.
 */
export class HttpBindingAdapter implements RegistryAdapter {
  readonly registry: string;
  readonly services: readonly string[];
  private readonly prepared = new Map<string, PreparedBinding>();
  private readonly pools = new Map<string, Pool>();
  private readonly connections: number;
  private readonly maxAnswerBytes: number;

  constructor(options: HttpBindingAdapterOptions) {
    this.registry = options.registry;
    this.services = Object.keys(options.bindings);
    this.connections = options.connections ?? 32;
    this.maxAnswerBytes = options.maxAnswerBytes ?? 1024 * 1024;
    for (const [service, binding] of Object.entries(options.bindings)) {
      this.prepared.set(service, prepare(options.registry, service, binding, options.credentials));
    }
  }

  async answer(service: string, body: Record<string, unknown>, call: RegistryCall): Promise<Record<string, unknown>> {
    const prepared = this.prepared.get(service);
    if (!prepared) throw new Error(`no binding for ${this.registry}/${service}`);
    // Own fields only: a template variable never reads the prototype.
    const url = new URL(prepared.template.expand(Object.assign(Object.create(null), body) as Record<string, unknown>));
    const pool = this.poolFor(url.origin);
    const requestBody = prepared.method === 'POST' ? JSON.stringify(prepared.binding.body ? applyFieldMap(prepared.binding.body, body) : body) : undefined;
    const headers = requestBody === undefined ? prepared.headers : { ...prepared.headers, 'content-type': 'application/json' };

    const answer = await call(async (request) => {
      const response = await pool.request({
        method: prepared.method,
        path: url.pathname + url.search,
        headers: { ...headers, ...exchangeHeaders(request) },
        body: requestBody,
        signal: request.signal,
      });
      if (response.statusCode === 404) {
        await response.body.dump();
        return NOT_FOUND;
      }
      // Any other status outside 2xx is the registry's failure, not the consumer's: 5xx is its own fault, and
      // 3xx, 401, 403, 400 or 429 mean the binding or NIX's credential no longer fits the registry. None of them
      // says that no record exists, so they are provider errors (and count against the registry's breaker).
      if (response.statusCode < 200 || response.statusCode >= 300) {
        await response.body.dump();
        throw new RegistryHttpError(response.statusCode, `registry answered HTTP ${response.statusCode}`);
      }
      return parseJson(await readText(response.body, this.maxAnswerBytes));
    });
    if (answer === NOT_FOUND) throw new RecordNotFoundError();
    return prepared.expression ? evaluate(prepared.expression, answer, body) : applyFieldMap(prepared.binding.response ?? {}, answer);
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    this.pools.clear();
  }

  private poolFor(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, { connections: this.connections, pipelining: 1 });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

const NOT_FOUND = Symbol('not found');

function prepare(registry: string, service: string, binding: HttpBinding, credentials: Readonly<Record<string, string>>): PreparedBinding {
  const headers: Record<string, string> = { accept: 'application/json' };
  for (const [name, value] of Object.entries(binding.headers ?? {})) {
    if (RESERVED_HEADERS.includes(name.toLowerCase())) throw new Error(`the binding of ${registry}/${service} sets header ${name}, which the HTTP client owns`);
    if (typeof value === 'string') {
      headers[name.toLowerCase()] = value;
      continue;
    }
    const secret = Object.hasOwn(credentials, value.credential) ? credentials[value.credential] : undefined;
    if (secret === undefined) throw new Error(`the binding of ${registry}/${service} names credential ${value.credential}, but NIX_CREDENTIAL_${value.credential} is not set`);
    headers[name.toLowerCase()] = secret;
  }
  return {
    method: binding.method,
    template: parseUriTemplate(binding.url),
    headers,
    binding,
    expression: binding.responseExpression !== undefined ? jsonata(binding.responseExpression, EXPRESSION_LIMITS) : null,
  };
}

async function readText(body: AsyncIterable<Buffer>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    length += chunk.length;
    if (length > maxBytes) throw new RegistryAnswerError('body');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RegistryAnswerError('body');
  }
}

/** The expression reads the registry's answer, and the inquiry's fields as $request. */
async function evaluate(expression: jsonata.Expression, answer: unknown, request: Record<string, unknown>): Promise<Record<string, unknown>> {
  let result: unknown;
  try {
    result = await expression.evaluate(answer, { request });
  } catch (error) {
    throw new ResponseExpressionError(`failed on the registry's answer (JSONata ${String((error as { code?: unknown }).code ?? 'error')})`);
  }
  if (result === null || typeof result !== 'object' || Array.isArray(result)) throw new ResponseExpressionError("gave no object for the registry's answer");
  // Through JSON: JSONata's results carry sequence flags and may hold functions; an answer is plain JSON.
  return JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
}
