import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { IDENTIFIER_FORMATS, type FieldError } from '@nix/domain';

/** One ajv instance knows the standard formats and every Iranian identifier format. */
export function createSchemaCompiler(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv, ['date', 'date-time', 'email', 'uri']);
  for (const [name, problem] of Object.entries(IDENTIFIER_FORMATS)) {
    ajv.addFormat(name, { type: 'string', validate: (value: string) => problem(value) === null });
  }
  // Annotations the catalog reads; ajv must not reject them.
  ajv.addKeyword({ keyword: 'x-nix', schemaType: 'object' });
  return ajv;
}

/**
 * Turns ajv's errors into RFC 9457 field errors: each names its field by JSON
 * pointer and says why in words, never echoing the value.
 */
export function fieldErrorsOf(errors: readonly ErrorObject[] | null | undefined, data: unknown, subject: 'inquiry' | 'answer' | 'request' = 'inquiry'): FieldError[] {
  if (!errors?.length) return [];
  const oneOfPaths = errors.filter((e) => e.keyword === 'oneOf').map((e) => e.schemaPath.replace(/\/oneOf$/, '/oneOf/'));
  const result: FieldError[] = [];
  for (const error of errors) {
    // Branch failures inside a oneOf are summed up by the oneOf error itself.
    if (oneOfPaths.some((p) => error.schemaPath.startsWith(p))) continue;
    result.push(fieldErrorOf(error, data, subject));
  }
  const seen = new Set<string>();
  return result.filter((e) => {
    const key = `${e.pointer} ${e.detail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function fieldErrorOf(error: ErrorObject, data: unknown, subject: string): FieldError {
  const at = error.instancePath;
  switch (error.keyword) {
    case 'required':
      return { pointer: `${at}/${escapePointer(error.params.missingProperty)}`, detail: 'is required' };
    case 'additionalProperties':
      return { pointer: `${at}/${escapePointer(error.params.additionalProperty)}`, detail: `is not a field of this ${subject}` };
    case 'format': {
      const identifier = (IDENTIFIER_FORMATS as Record<string, ((value: string) => string | null) | undefined>)[error.params.format as string];
      const value = valueAt(data, at);
      const reason = identifier && typeof value === 'string' ? identifier(value) : null;
      return { pointer: at, detail: reason ?? `must be a valid ${error.params.format}` };
    }
    case 'oneOf': {
      const branches = (error.schema as Array<{ required?: string[] }>).map((b) => b.required?.join(' and ')).filter(Boolean);
      const detail = branches.length
        ? `must give exactly one of: ${branches.join(', ')}`
        : 'must match exactly one of the allowed shapes';
      return { pointer: at, detail };
    }
    case 'minProperties':
      return { pointer: at, detail: `must have at least ${error.params.limit} fields` };
    default:
      return { pointer: at, detail: error.message ?? 'is not valid' };
  }
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function valueAt(data: unknown, pointer: string): unknown {
  if (!pointer) return data;
  let current: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export type CompiledSchema = ValidateFunction;
