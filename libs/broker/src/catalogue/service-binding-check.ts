import type { FieldError } from '@nix/domain';
import type { BindingCheck } from '@nix/catalog';
import { checkBinding, KNOWN_REGISTRIES, tryExamples, type HttpBinding } from '@nix/registries';

/**
 * What a published version may be bound to:
 * - `http`: the binding's rules (template fields in the request, map keys in the response, credentials configured),
 *   then every request example run through it against the live registry, each answer checked against the response;
 * - `kafka`: the custodian runs its own adapter on the registry's published topic (contracts/topics/asyncapi.yaml);
 * - `code`: NIX's built-in adapters, for the registries that have one.
 */
export function serviceBindingCheck(credentials: Readonly<Record<string, string>>): BindingCheck {
  return async (binding, { registry, body }) => {
    const kind = (binding as { kind?: unknown }).kind;
    if (kind === 'kafka') return [];
    if (kind === 'code') {
      return KNOWN_REGISTRIES.includes(registry) ? [] : [{ pointer: '/binding/kind', detail: `"code" names NIX's built-in adapters, and ${registry} has none: use "http" or "kafka"` }];
    }
    if (kind !== 'http') return [{ pointer: '/binding/kind', detail: 'must be "http", "kafka" or "code"' }];
    const errors = checkBinding(binding, body.request, body.response, Object.keys(credentials)).map((e): FieldError => ({ pointer: `/binding${e.pointer}`, detail: e.detail }));
    if (errors.length > 0) return errors;
    const failures = await tryExamples({ binding: binding as unknown as HttpBinding, requestSchema: body.request, responseSchema: body.response, credentials, timeoutMs: body.timeoutMs });
    return failures.map((f) => ({ pointer: `/request/examples/${f.example}`, detail: `failed through the binding: ${f.reason}` }));
  };
}
