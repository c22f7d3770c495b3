import jsonata from 'jsonata';
import { parse as parseUriTemplate } from 'uri-template';
import { createSchemaCompiler, fieldErrorsOf, type CompiledSchema } from '@nix/catalog';
import type { FieldError } from '@nix/domain';
import { isJsonPointer, pointerTokens } from './field-map';
import { HEADER_NAME, HTTP_BINDING_SCHEMA, RESERVED_HEADERS, type FieldMap, type HttpBinding } from './http-binding';

/** The part of a JSON Schema that checkBinding reads: its properties (nested for objects) and required ones. */
export interface SchemaShape {
  properties?: Record<string, unknown>;
  required?: readonly string[];
  [keyword: string]: unknown;
}

const HEADER_VALUE = 'must be one line of text, or {"credential": "NAME"} with NAME in capitals, digits and _';

let validateShape: CompiledSchema | undefined;

/**
 * Everything wrong with a binding for a service with these request and response schemas, each error naming
 * its place in the binding by JSON pointer (`/url`, `/response/areaSquareMetres`, …); empty when it is fine.
 * `credentialNames` are the configured credentials' names (NixConfig.credentials' keys): names only, never values.
 */
export function checkBinding(binding: unknown, requestSchema: SchemaShape, responseSchema: SchemaShape, credentialNames: Iterable<string>): FieldError[] {
  if (binding === null || typeof binding !== 'object' || Array.isArray(binding)) return [{ pointer: '', detail: 'must be object' }];
  validateShape ??= createSchemaCompiler().compile(HTTP_BINDING_SCHEMA);
  if (!validateShape(binding)) {
    // One error per place: the first is the plainest (a list where a map belongs is "must be object").
    const seen = new Set<string>();
    return fieldErrorsOf(validateShape.errors, binding, 'request')
      .filter((e) => !seen.has(e.pointer) && seen.add(e.pointer))
      .map((e) => {
        if (e.detail === 'is not a field of this request') return { ...e, detail: 'is not a field of an http binding' };
        if (/^\/headers\/[^/]+(\/credential)?$/.test(e.pointer) && /^must (match pattern|be string)/.test(e.detail)) return { ...e, detail: HEADER_VALUE };
        return e;
      });
  }
  const http = binding as HttpBinding;
  const errors: FieldError[] = [...templateErrors(http.url, requestSchema)];

  const credentials = new Set(credentialNames);
  for (const [name, value] of Object.entries(http.headers ?? {})) {
    if (!HEADER_NAME.test(name)) {
      errors.push({ pointer: `/headers/${escapeToken(name)}`, detail: 'is not an HTTP header name' });
    } else if (RESERVED_HEADERS.includes(name.toLowerCase())) {
      errors.push({ pointer: `/headers/${escapeToken(name)}`, detail: 'is set by NIX (the HTTP client, or the exchange it carries), not by a binding' });
    } else if (typeof value === 'object' && !credentials.has(value.credential)) {
      errors.push({
        pointer: `/headers/${escapeToken(name)}/credential`,
        detail: `names no configured credential (set NIX_CREDENTIAL_${value.credential} where the adapters run)`,
      });
    }
  }

  if (http.body) {
    if (http.method !== 'POST') errors.push({ pointer: '/body', detail: 'is sent only with POST' });
    else errors.push(...bodyErrors(http.body, requestSchema, '/body'));
  }
  if (http.response) errors.push(...responseMapErrors(http.response, responseSchema, '/response'));
  if (http.responseExpression !== undefined) {
    try {
      jsonata(http.responseExpression);
    } catch (error) {
      const e = error as { message?: string; position?: number };
      errors.push({ pointer: '/responseExpression', detail: `is not a JSONata expression: ${e.message ?? 'it does not compile'} (at character ${e.position ?? 0})` });
    }
  }
  return errors;
}

/** The template parses, its origin is fixed, and every variable is a request field. */
function templateErrors(url: string, requestSchema: SchemaShape): FieldError[] {
  let template: ReturnType<typeof parseUriTemplate>;
  try {
    template = parseUriTemplate(url);
  } catch (error) {
    return [{ pointer: '/url', detail: `is not an RFC 6570 URL template: ${(error as Error).message}` }];
  }
  const errors: FieldError[] = [];
  const [first, second] = template.ast.parts;
  const prefix = first?.type === 'literal' ? first.value : '';
  const origin = /^https?:\/\/[^/?#@{}]+/i.exec(prefix)?.[0];
  // The origin ends where the literal goes on with / or ?, or where a {/…} or {?…} expression starts.
  const pathFollows = origin !== undefined && (prefix.length > origin.length ? ['/', '?'].includes(prefix[origin.length]) : second?.type === 'expression' && ['/', '?'].includes(second.operator));
  if (!origin || !pathFollows || !URL.canParse(origin)) {
    errors.push({ pointer: '/url', detail: 'must begin with a fixed http:// or https:// origin (no variable in the host or port)' });
  }
  const fields = requestSchema.properties ?? {};
  const named = new Set<string>();
  for (const part of template.ast.parts) {
    if (part.type !== 'expression') continue;
    if (part.operator === '+' || part.operator === '#') {
      errors.push({ pointer: '/url', detail: `uses {${part.operator}…}, which would let a request value add reserved characters to the URL; use {…}, {/…} or {?…}` });
    }
    for (const variable of part.variables) {
      if (Object.hasOwn(fields, variable.name) || named.has(variable.name)) continue;
      named.add(variable.name);
      errors.push({ pointer: '/url', detail: `names {${variable.name}}, which is not a field of the request` });
    }
  }
  return errors;
}

function bodyErrors(map: FieldMap, requestSchema: SchemaShape, at: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const [field, source] of Object.entries(map)) {
    const pointer = `${at}/${escapeToken(field)}`;
    if (typeof source !== 'string') {
      errors.push(...bodyErrors(source, requestSchema, pointer));
    } else if (!isJsonPointer(source)) {
      errors.push({ pointer, detail: 'is not a JSON pointer (RFC 6901), such as /nationalId' });
    } else {
      const [head] = pointerTokens(source);
      if (head !== undefined && !Object.hasOwn(requestSchema.properties ?? {}, head)) {
        errors.push({ pointer, detail: `points at ${head}, which is not a field of the request` });
      }
    }
  }
  return errors;
}

function responseMapErrors(map: FieldMap, schema: SchemaShape, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const properties = schema.properties ?? {};
  for (const [property, source] of Object.entries(map)) {
    const pointer = `${at}/${escapeToken(property)}`;
    if (!Object.hasOwn(properties, property)) {
      errors.push({ pointer, detail: 'is not a property of the response schema' });
    } else if (typeof source !== 'string') {
      const nested = properties[property] as SchemaShape;
      if (!nested?.properties) errors.push({ pointer, detail: 'maps fields into a property whose schema lists none' });
      else errors.push(...responseMapErrors(source, nested, pointer));
    } else if (!isJsonPointer(source)) {
      errors.push({ pointer, detail: "is not a JSON pointer (RFC 6901) into the registry's answer, such as /parcel_no" });
    }
  }
  const missing = (schema.required ?? []).filter((property) => !Object.hasOwn(map, property));
  if (missing.length > 0) errors.push({ pointer: at, detail: `leaves out ${missing.join(', ')}, which the response schema requires` });
  return errors;
}

function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}
