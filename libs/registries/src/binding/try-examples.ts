import { randomUUID } from 'node:crypto';
import { createSchemaCompiler, fieldErrorsOf } from '@nix/catalog';
import { RecordNotFoundError, type RegistryCall } from '../adapter/registry-adapter';
import { RegistryAnswerError, RegistryHttpError } from '../http/registry-http-client';
import type { SchemaShape } from './check-binding';
import { HttpBindingAdapter } from './http-binding.adapter';
import type { HttpBinding } from './http-binding';

export interface TryExamplesOptions {
  /** A binding that checkBinding() found fine. */
  binding: HttpBinding;
  /** The service's request schema: its `examples` are the inquiries tried. */
  requestSchema: SchemaShape;
  /** The service's response schema: every mapped answer must match it. */
  responseSchema: SchemaShape;
  /** NixConfig.credentials. */
  credentials: Readonly<Record<string, string>>;
  /** The service's timeoutMs: each example's call gets this long. */
  timeoutMs: number;
}

/** An example that did not give an answer in the published shape: its index in the request schema's examples, and why. */
export interface ExampleFailure {
  example: number;
  reason: string;
}

/**
 * Runs every request example of a service through its binding, against the live registry, one at a time, and
 * checks each mapped answer against the response schema (compiled once). Answers the failing examples; an empty
 * list means the binding serves every example. Reasons name statuses and schema paths, never a value.
 */
export async function tryExamples(options: TryExamplesOptions): Promise<ExampleFailure[]> {
  const validateAnswer = createSchemaCompiler().compile(options.responseSchema);
  const adapter = new HttpBindingAdapter({ registry: 'publishing', bindings: { example: options.binding }, credentials: options.credentials, connections: 1 });
  const call: RegistryCall = (operation) => operation({ signal: AbortSignal.timeout(options.timeoutMs), exchangeId: randomUUID() });
  const examples = Array.isArray(options.requestSchema.examples) ? (options.requestSchema.examples as unknown[]) : [];
  const failures: ExampleFailure[] = [];
  try {
    for (const [index, example] of examples.entries()) {
      let answer: Record<string, unknown>;
      try {
        answer = await adapter.answer('example', example as Record<string, unknown>, call);
      } catch (error) {
        failures.push({ example: index, reason: reasonOf(error, options.timeoutMs) });
        continue;
      }
      if (!validateAnswer(answer)) {
        const errors = fieldErrorsOf(validateAnswer.errors, answer, 'answer').map((e) => `${e.pointer || '(the answer)'} ${e.detail}`);
        failures.push({ example: index, reason: `the mapped answer does not match the response schema: ${errors.join('; ')}` });
      }
    }
  } finally {
    await adapter.close();
  }
  return failures;
}

function reasonOf(error: unknown, timeoutMs: number): string {
  if (error instanceof RecordNotFoundError) return 'the registry holds no record for it (HTTP 404)';
  if (error instanceof RegistryHttpError) return `the registry answered HTTP ${error.status}`;
  if (error instanceof RegistryAnswerError) return error.message;
  const e = error as { name?: string; code?: string };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `the registry did not answer within ${timeoutMs} ms`;
  if (e?.code) return `the registry could not be reached (${e.code})`;
  return 'the registry call failed';
}
