import type { FieldMap } from './http-binding';

/** RFC 6901: empty (the whole document), or `/`-separated tokens in which `~` is only `~0` or `~1`. */
export function isJsonPointer(text: string): boolean {
  return /^(\/([^~]|~[01])*)*$/.test(text);
}

/** A JSON pointer's reference tokens, unescaped. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * The value a JSON pointer names in a JSON document, or undefined when there is none. Only the document's own
 * properties and array indices count, so `/constructor` or `/length` name nothing.
 */
export function valueAtPointer(document: unknown, pointer: string): unknown {
  let current: unknown = document;
  for (const token of pointerTokens(pointer)) {
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (current !== null && typeof current === 'object' && Object.hasOwn(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}

/**
 * Builds an object from a field map over a JSON document: each property takes the value its pointer names.
 * A pointer that names nothing leaves the property out; one that names `null` gives `null` (the response schema
 * then decides whether null is allowed). A nested map gives an object, left out when none of its fields are there.
 */
export function applyFieldMap(map: FieldMap, document: unknown): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [property, source] of Object.entries(map)) {
    const value = typeof source === 'string' ? valueAtPointer(document, source) : applyNested(source, document);
    // defineProperty: a property named __proto__ stays a property.
    if (value !== undefined) Object.defineProperty(result, property, { value, enumerable: true, writable: true, configurable: true });
  }
  return result;
}

function applyNested(map: FieldMap, document: unknown): Record<string, unknown> | undefined {
  const value = applyFieldMap(map, document);
  return Object.keys(value).length > 0 ? value : undefined;
}
