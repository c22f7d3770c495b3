import { NOTIFICATION_BODY_SCHEMAS } from './notification-bodies';

const problem = { $ref: '#/components/responses/Problem' };
const problems = (...statuses: number[]) => Object.fromEntries(statuses.map((status) => [status, problem]));
const json = (schema: unknown) => ({ required: true, content: { 'application/json': { schema } } });
const path = (name: string, description: string) => ({ name, in: 'path', required: true, description, schema: { type: 'string' } });
const registry = path('registry', 'The registry, e.g. identity.');
const eventType = path('eventType', 'The event type within it, e.g. person-changed (GET /v1/event-types lists them).');
const secured = { tags: ['notifications'], security: [{ apiKey: [] }] };
const EVENT = {
  type: 'object',
  description: "The event type's schema (GET /v1/event-types): the key and the day only, never what changed (R18).",
  properties: { nationalId: { type: 'string' }, changedOn: { type: 'string', format: 'date' } },
};
const NOTIFICATION = {
  type: 'object',
  additionalProperties: false,
  required: ['eventId', 'eventType', 'nationalId', 'changedOn'],
  properties: { eventId: { type: 'string', format: 'uuid' }, eventType: { type: 'string', examples: ['identity/person-changed'] }, nationalId: { type: 'string' }, changedOn: { type: 'string', format: 'date' } },
};

/** Identity-change notifications (issue 14) in the OpenAPI document. */
export const NOTIFICATION_PATHS: Record<string, unknown> = {
  '/v1/event-types': {
    get: { tags: ['notifications'], summary: 'The event types custodians publish', security: [], responses: { 200: { description: '{"eventTypes": [{eventType, registry, name, version, custodian, title, description, href, subscribe, schema}]}' } } },
  },
  '/v1/events/{registry}/{eventType}': {
    post: {
      ...secured,
      summary: "Publish events (the registry's custodian)",
      description: 'One event `{nationalId, changedOn}` or a batch `{events: [...]}` (at most 1,000). Each agency subscribed to the person is notified. 202 `{eventIds}`, whether or not anyone matched.',
      parameters: [registry, eventType],
      requestBody: json({ oneOf: [EVENT, NOTIFICATION_BODY_SCHEMAS.eventBatch] }),
      responses: { 202: { description: '{"eventIds": [...]}' }, ...problems(400, 401, 403, 404, 503) },
    },
  },
  '/v1/subscriptions/{registry}/{eventType}': {
    put: {
      ...secured,
      summary: 'Subscribe persons (an agency whose agreement covers the event type)',
      description: 'Up to 10,000 national IDs per call; stored as keyed pseudonyms (HMAC), never the IDs. A malformed ID refuses the whole call (400 naming /nationalIds/<i>).',
      parameters: [registry, eventType],
      requestBody: json(NOTIFICATION_BODY_SCHEMAS.subscription),
      responses: { 200: { description: '{"eventType", "subscribed", "added"}' }, ...problems(400, 401, 403, 404, 413, 503) },
    },
    delete: {
      ...secured,
      summary: 'Unsubscribe persons',
      parameters: [registry, eventType],
      requestBody: json(NOTIFICATION_BODY_SCHEMAS.subscription),
      responses: { 200: { description: '{"eventType", "removed"}' }, ...problems(400, 401, 404, 413, 503) },
    },
  },
  '/v1/notifications': {
    get: {
      ...secured,
      summary: "The calling agency's pending notifications",
      description: 'Oldest first, after the cursor. A notification stays until acknowledged (or delivered to the webhook), or until the retention ends.',
      parameters: [
        { name: 'after', in: 'query', required: false, description: 'The cursor of an earlier answer (0 or absent: from the start).', schema: { type: 'string' } },
        { name: 'limit', in: 'query', required: false, description: '1 to 1000, default 100.', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
      ],
      responses: {
        200: { description: 'The notifications and the next cursor.', content: { 'application/json': { schema: { type: 'object', properties: { notifications: { type: 'array', items: NOTIFICATION }, cursor: { type: 'string' } } } } } },
        ...problems(400, 401, 503),
      },
    },
  },
  '/v1/notifications/ack': {
    post: { ...secured, summary: 'Acknowledge notifications (they are deleted)', requestBody: json(NOTIFICATION_BODY_SCHEMAS.acknowledgement), responses: { 200: { description: '{"acknowledged": n}' }, ...problems(400, 401, 503) } },
  },
  '/v1/agencies/me/webhook': {
    put: {
      ...secured,
      summary: "Register the calling agency's webhook",
      description:
        'Each notification is POSTed as JSON, signed per Standard Webhooks (`webhook-id` = eventId, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA-256>`), retried with exponential backoff until a 2xx. https only in production; private and loopback addresses refused unless NIX_WEBHOOK_ALLOW_PRIVATE. Answers the signing secret (`whsec_…`) this once.',
      requestBody: json(NOTIFICATION_BODY_SCHEMAS.webhook),
      responses: { 200: { description: '{"url", "secret"}' }, ...problems(400, 401, 503) },
    },
    get: { ...secured, summary: "The calling agency's webhook", responses: { 200: { description: '{"url", "registeredAt"}' }, ...problems(401, 404, 503) } },
    delete: { ...secured, summary: "Remove the calling agency's webhook (notifications wait for pull)", responses: { 204: { description: 'Removed.' }, ...problems(401, 404, 503) } },
  },
  '/v1/reports/notifications': {
    get: {
      tags: ['reports'],
      security: [{ apiKey: [] }],
      summary: 'Events and notification deliveries per agency, and the share delivered the same Tehran day',
      description: 'The working group sees every agency; another agency its own row. Period parameters as the other reports (period, from, to).',
      responses: { 200: { description: '{"report": "notifications", "period", "agencies": [{agency, events, deliveries, sameDay, sameDayShare, failedAttempts, lapsed}], "labels"}; CSV with ?format=csv or Accept: text/csv' }, ...problems(400, 401, 403) },
    },
  },
};
