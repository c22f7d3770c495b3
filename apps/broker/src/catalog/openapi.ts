import { PROBLEM_TYPES } from '@nix/domain';
import type { CatalogEntry } from './catalog.service';

/**
 * The OpenAPI 3.1 document, generated from the same JSON Schemas the broker
 * validates with, so documentation and enforcement cannot drift apart.
 */
export function openApiDocument(entries: CatalogEntry[], version: string): Record<string, unknown> {
  const problem = { $ref: '#/components/responses/Problem' };
  const paths: Record<string, unknown> = {};
  for (const e of entries) {
    const examples = Object.fromEntries(e.examples.map((example, i) => [`example${i + 1}`, { value: example }]));
    paths[e.href] = {
      post: {
        operationId: `${e.registry}.${e.service}`,
        tags: [e.registry],
        summary: `${e.title.en} (${e.title.fa})`,
        description: `${e.description.en}\n\n${e.description.fa}\n\nCustodian: ${e.custodian.name.en} (${e.custodian.id}). Service version ${e.version}; timeout ${e.timeoutMs} ms. The answer holds only the data items the caller's agreement allows.`,
        security: [{ apiKey: [] }],
        parameters: [
          { name: 'X-Purpose', in: 'header', required: true, description: "A purpose code (legal basis) of the caller's agreement.", schema: { type: 'string' } },
          { name: 'X-Tracking-Code', in: 'header', required: false, description: "The caller's own tracking code (R9), passed to the registry and echoed back.", schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,64}$' } },
        ],
        requestBody: { required: true, content: { 'application/json': { schema: stripMeta(e.requestSchema), examples } } },
        responses: {
          200: {
            description: 'The answer, cut down to the agreed data items.',
            headers: { 'X-Exchange-Id': { $ref: '#/components/headers/ExchangeId' } },
            content: { 'application/json': { schema: stripMeta(e.responseSchema) } },
          },
          ...Object.fromEntries([400, 401, 403, 404, 413, 415, 429, 503, 504].map((status) => [status, problem])),
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'NIX: national information exchange',
      version,
      description:
        'Inquiries to the base registries under data-sharing agreements. Every answer carries X-Exchange-Id; every error is application/problem+json (RFC 9457). Problem types: ' +
        Object.keys(PROBLEM_TYPES).map((t) => `/problems/${t}`).join(', '),
    },
    paths: {
      ...paths,
      '/v1/services': { get: { summary: 'The service catalogue', security: [], responses: { 200: { description: 'Every catalogued service.' } } } },
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: "The agency's API key." } },
      headers: { ExchangeId: { description: 'The exchange ID (UUIDv7).', schema: { type: 'string', format: 'uuid' } } },
      responses: {
        Problem: {
          description: 'A problem (RFC 9457) naming the field and the reason where a field is at fault.',
          headers: { 'X-Exchange-Id': { $ref: '#/components/headers/ExchangeId' } },
          content: {
            'application/problem+json': {
              schema: {
                type: 'object',
                required: ['type', 'title', 'status', 'detail'],
                properties: {
                  type: { type: 'string' },
                  title: { type: 'string' },
                  status: { type: 'integer' },
                  detail: { type: 'string' },
                  exchangeId: { type: 'string' },
                  errors: { type: 'array', items: { type: 'object', properties: { pointer: { type: 'string' }, detail: { type: 'string' } } } },
                },
              },
            },
          },
        },
      },
    },
  };
}

function stripMeta(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}
