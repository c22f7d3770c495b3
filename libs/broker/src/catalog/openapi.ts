import { PROBLEM_TYPES } from '@nix/domain';
import { GOVERNANCE_PATHS } from '../governance/governance-openapi';
import { NOTIFICATION_PATHS } from '../notifications/notifications-openapi';
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
          {
            name: 'X-Tracking-Code',
            in: 'header',
            required: false,
            description:
              "The caller's own tracking code (R9), echoed back, and passed to the registry's API as X-NIX-Tracking-Code (with the exchange ID as X-NIX-Exchange-Id). GET /v1/exchanges?trackingCode= finds the exchange by it; only a keyed digest of it is stored.",
            schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,64}$' },
          },
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
      ...CATALOGUE_READ_PATHS,
      '/v1/status': STATUS_PATH,
      ...REPORT_PATHS,
      ...EXCHANGE_PATHS,
      ...GOVERNANCE_PATHS,
      ...NOTIFICATION_PATHS,
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

const bilingual = { type: 'object', required: ['fa', 'en'], properties: { fa: { type: 'string' }, en: { type: 'string' } } };

/** The catalogue's public reads, beside /v1/services: what the dashboard's catalogue and custodian pages show. */
const CATALOGUE_READ_PATHS = {
  '/v1/registries': {
    get: {
      summary: 'The registries and their custodians',
      description: 'Every registered registry: its custodian, title, description and the services it offers (none until its custodian publishes one). No key needed.',
      security: [],
      responses: { 200: { description: '{registries: [{registry, custodian, title, description, services}]}' } },
    },
  },
  '/v1/services/{registry}/{service}/versions': {
    get: {
      summary: "A service's published versions",
      description:
        'Every published version, oldest first: title, description, request and response schemas with their examples, timeoutMs, loa (R13), hours (R15), dataProtectionStatement (R14), publishedAt and deprecation ({deprecatedAt, sunset, successor} or null). No key needed; with the Bearer key of the registry\'s custodian each version also carries its binding. Every call an adapter makes to the registry\'s API (a binding, or an HTTP backend) carries X-NIX-Exchange-Id, and X-NIX-Tracking-Code when the consumer sent one (R9); a binding may not set them. A key given must be valid (401 otherwise).',
      security: [{}, { apiKey: [] }],
      parameters: [
        { name: 'registry', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'service', in: 'path', required: true, schema: { type: 'string' } },
      ],
      responses: { 200: { description: '{registry, service, versions: [...]}' }, 401: { $ref: '#/components/responses/Problem' }, 404: { $ref: '#/components/responses/Problem' } },
    },
  },
};

/** The public status (R15): what GET /v1/status answers. */
const STATUS_PATH = {
  get: {
    tags: ['status'],
    summary: 'Service status (public)',
    description:
      "Each catalogued service's hours, current state, upcoming maintenance and recent incidents (when its registry's breaker opened and closed, as this broker saw them; the last 100 per registry within 30 days). state: operational; degraded (the breaker is probing, or readiness reports the registry degraded); down (the breaker is open, or no adapter serves the registry); maintenance (inside an announced window). probe: the last synthetic probe of the service by this broker (R17: every NIX_PROBE_INTERVAL_S, under the probe agency), or null. No key needed; cached for 5 seconds. The page /status shows the same in Persian and English.",
    security: [],
    responses: {
      200: {
        description: 'The status of every service.',
        headers: { 'Cache-Control': { description: 'public, max-age=5', schema: { type: 'string' } } },
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['generatedAt', 'services'],
              properties: {
                generatedAt: { type: 'string', format: 'date-time' },
                services: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['registry', 'service', 'versions', 'title', 'registryTitle', 'hours', 'state', 'upcomingMaintenance', 'recentIncidents', 'probe'],
                    properties: {
                      registry: { type: 'string' },
                      service: { type: 'string' },
                      versions: { type: 'array', items: { type: 'string' } },
                      title: bilingual,
                      registryTitle: bilingual,
                      hours: {
                        description: '"24x7", or weekly periods in Tehran time.',
                        oneOf: [
                          { const: '24x7' },
                          {
                            type: 'array',
                            items: {
                              type: 'object',
                              required: ['days', 'from', 'until'],
                              properties: { days: { type: 'array', items: { enum: ['sat', 'sun', 'mon', 'tue', 'wed', 'thu', 'fri'] } }, from: { type: 'string' }, until: { type: 'string' } },
                            },
                          },
                        ],
                      },
                      state: { enum: ['operational', 'degraded', 'down', 'maintenance'] },
                      upcomingMaintenance: {
                        description: 'Windows that have not ended (the current one included), soonest first.',
                        type: 'array',
                        items: { type: 'object', required: ['from', 'until', 'note'], properties: { from: { type: 'string', format: 'date-time' }, until: { type: 'string', format: 'date-time' }, note: bilingual } },
                      },
                      recentIncidents: {
                        description: 'Newest first; closedAt is null while the breaker is still open.',
                        type: 'array',
                        items: {
                          type: 'object',
                          required: ['registry', 'openedAt', 'closedAt'],
                          properties: { registry: { type: 'string' }, openedAt: { type: 'string', format: 'date-time' }, closedAt: { type: ['string', 'null'], format: 'date-time' } },
                        },
                      },
                      probe: {
                        description: "The last synthetic probe (R17): when, whether the service answered (ok, or not-found), the exchange outcome and its duration; null when this broker has not probed it (probes off, or the probe agreement suspended).",
                        oneOf: [
                          { type: 'null' },
                          {
                            type: 'object',
                            required: ['checkedAt', 'ok', 'outcome', 'durationMs'],
                            properties: { checkedAt: { type: 'string', format: 'date-time' }, ok: { type: 'boolean' }, outcome: { type: 'string' }, durationMs: { type: 'integer', minimum: 0 } },
                          },
                        ],
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
      503: { $ref: '#/components/responses/Problem' },
    },
  },
};

const query = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const PERIOD = [
  query('period', 'day | month | jalali-month | jalali-quarter, optionally with a value: day:2026-11-23, month:2026-11, jalali-month:1405-09, jalali-quarter:1405-Q3. Today when absent.'),
  query('from', 'Start (ISO 8601), with to instead of period; rounded down to a whole Tehran hour.'),
  query('to', 'End, exclusive (ISO 8601); at most 400 days after from.'),
  ...['consumer', 'provider', 'registry', 'service', 'outcome'].map((f) => query(f, `Only this ${f}.`)),
  query('format', 'json (default) or csv (UTF-8 with a BOM); Accept: text/csv works too.', { enum: ['json', 'csv'] }),
  query('lang', 'Language of labels.', { enum: ['fa', 'en'] }),
];
const report = (summary: string, description: string, extra: Record<string, unknown>[] = []) => ({
  get: {
    tags: ['reports'],
    summary,
    description: `${description} The working group sees all traffic, a provider its own services, a consumer its own usage; another agency's data is a 403.`,
    security: [{ apiKey: [] }],
    parameters: [...PERIOD, ...extra],
    responses: { 200: { description: 'The report (JSON, or CSV).' }, 400: { $ref: '#/components/responses/Problem' }, 401: { $ref: '#/components/responses/Problem' }, 403: { $ref: '#/components/responses/Problem' } },
  },
});

/** The reports of the interoperability working group (R4, R11, R12), read from the hourly rollups. */
const REPORT_PATHS: Record<string, unknown> = {
  '/v1/reports/usage': report('Usage', 'Counts and measures grouped by any of consumer, provider, registry, service, outcome and period: {"rows": [{…grouped keys, "count", "succeeded", "failed", durations, sizes}], "totals", "period"}.', [
    query('groupBy', 'Any subset of consumer, provider, registry, service, outcome, period, in any order.'),
    query('interval', 'Period buckets when grouping by period.', { enum: ['hour', 'day', 'month', 'jalali-month', 'jalali-quarter'] }),
    query('limit', 'At most this many rows (up to 50,000).', { type: 'integer' }),
  ]),
  '/v1/reports/service-levels': report('Provider service levels', 'Availability, error rate and latency p50/p95/p99 per service.'),
  '/v1/reports/compliance': report('Compliance', 'Every agreement in scope with its status (active, suspended, revoked) and the working group\'s resolution; agencies with agreements but no traffic, denied and over-quota attempts by agency and reason, services with rising error rates, agreements near expiry.', [
    query('expiresWithinDays', 'What counts as near expiry (default 30).', { type: 'integer' }),
  ]),
  '/v1/reports/agencies': report('Agencies', 'The caller and the agencies its reports meet.'),
  '/v1/reports/agencies/{agencyId}': report("One agency's report", 'Its agreements (with status and resolution), usage, service levels and compliance findings for the period.', [
    { name: 'agencyId', in: 'path', required: true, schema: { type: 'string' } },
  ]),
  '/v1/reports/agencies/{agencyId}/printable': report('Printable agency report', 'HTML with print CSS, or format=pdf through headless Chromium; lang=fa (default) or en. Lists each agreement with its status and resolution.', [
    { name: 'agencyId', in: 'path', required: true, schema: { type: 'string' } },
  ]),
};

const nullableText = { type: ['string', 'null'] };
const nullableMs = { type: ['number', 'null'] };
/** One exchange as GET /v1/exchanges shows it: traffic metadata from the ledger, never content (R3). */
const EXCHANGE_VIEW = {
  type: 'object',
  required: ['exchangeId', 'consumer', 'custodian', 'registry', 'service', 'serviceVersion', 'purpose', 'agreement', 'outcome', 'status', 'problemType', 'receiptDigest', 'steps', 'durations'],
  properties: {
    exchangeId: { type: 'string', format: 'uuid' },
    consumer: { ...nullableText, description: 'The agency that asked (null: it was not identified).' },
    custodian: { ...nullableText, description: "The custodian of the registry asked." },
    registry: nullableText,
    service: nullableText,
    serviceVersion: nullableText,
    purpose: { ...nullableText, description: 'The purpose, once an agreement accepted it.' },
    agreement: { ...nullableText, description: 'The agreement the exchange was made under.' },
    outcome: { type: 'string', description: 'ok, not-found, invalid, unauthenticated, denied, over-quota, timeout, provider-error, unavailable or broker-error.' },
    status: { type: 'integer', description: 'The HTTP status of the answer.' },
    problemType: { ...nullableText, description: 'The problem type of a refused or failed exchange.' },
    receiptDigest: { ...nullableText, description: 'SHA-256 (base64url) of the NIX-Receipt the answer carried; the receipt the consumer kept hashes to it.' },
    steps: {
      type: 'array',
      description: "The steps that happened, in order; adapter-received and adapter-replied are by the adapter host's clock.",
      items: {
        type: 'object',
        required: ['step', 'at'],
        properties: { step: { enum: ['received', 'dispatched', 'adapter-received', 'adapter-replied', 'responded'] }, at: { type: 'string', format: 'date-time' } },
      },
    },
    durations: {
      type: 'object',
      required: ['totalMs', 'brokerMs', 'transportMs', 'adapterMs', 'registryMs'],
      properties: { totalMs: { type: 'number' }, brokerMs: { type: 'number' }, transportMs: nullableMs, adapterMs: nullableMs, registryMs: nullableMs },
    },
  },
};
const EXCHANGE_ACCESS =
  "For the parties of the exchange (the consumer agency, the registry's custodian) and the working group. An exchange appears once the ledger has stored its record (within a second or so of the answer; through Kafka, after the recorder's batch). Another agency's exchange is answered 404, as an unknown one, so that its existence does not leak.";

/** Tracking end to end (R9): an exchange's steps, by its ID or by the consumer's tracking code. */
const EXCHANGE_PATHS: Record<string, unknown> = {
  '/v1/exchanges/{exchangeId}': {
    get: {
      tags: ['exchanges'],
      summary: 'One exchange, with its steps and receipt digest',
      description: `${EXCHANGE_ACCESS} A 404 for an exchange that began in the last minute says its record may not be stored yet, with Retry-After.`,
      security: [{ apiKey: [] }],
      parameters: [{ name: 'exchangeId', in: 'path', required: true, description: 'The X-Exchange-Id of the answer.', schema: { type: 'string', format: 'uuid' } }],
      responses: {
        200: { description: 'The exchange.', content: { 'application/json': { schema: EXCHANGE_VIEW } } },
        ...Object.fromEntries([400, 401, 403, 404, 503].map((status) => [status, { $ref: '#/components/responses/Problem' }])),
      },
    },
  },
  '/v1/exchanges': {
    get: {
      tags: ['exchanges'],
      summary: "The exchanges of a consumer's tracking code",
      description: `${EXCHANGE_ACCESS} The ledger holds only a keyed digest of the code (per consumer), which this computes again; newest first, at most 100.`,
      security: [{ apiKey: [] }],
      parameters: [{ name: 'trackingCode', in: 'query', required: true, description: 'The X-Tracking-Code the consumer sent.', schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,64}$' } }],
      responses: {
        200: {
          description: 'The exchanges of the tracking code that the caller may see (none: an empty list).',
          content: { 'application/json': { schema: { type: 'object', required: ['trackingCode', 'exchanges'], properties: { trackingCode: { type: 'string' }, exchanges: { type: 'array', items: EXCHANGE_VIEW } } } } },
        },
        ...Object.fromEntries([400, 401, 403, 503].map((status) => [status, { $ref: '#/components/responses/Problem' }])),
      },
    },
  },
};

function stripMeta(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}
