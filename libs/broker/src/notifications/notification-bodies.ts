import { createSchemaCompiler, fieldErrorsOf, type EventTypeDefinition } from '@nix/catalog';
import { ProblemError, type FieldError } from '@nix/domain';
import type { NotificationContent } from '@nix/notifications';

/** The most national IDs one subscription call may carry (one multi-row statement). */
export const MAX_SUBSCRIPTION_BATCH = 10_000;
/** The most events one publishing call may carry. */
export const MAX_EVENT_BATCH = 1_000;
/** A subscription call's body limit: 10,000 IDs as JSON is about 140 KB (the API's default limit is 64 KiB). */
export const SUBSCRIPTION_BODY_LIMIT = 512 * 1024;

const ajv = createSchemaCompiler();

/** The bodies the notification API validates with; the OpenAPI document shows the same. */
export const NOTIFICATION_BODY_SCHEMAS = {
  subscription: {
    type: 'object',
    additionalProperties: false,
    required: ['nationalIds'],
    properties: { nationalIds: { type: 'array', minItems: 1, maxItems: MAX_SUBSCRIPTION_BATCH, items: { type: 'string', format: 'ir-national-id' } } },
  },
  acknowledgement: {
    type: 'object',
    additionalProperties: false,
    required: ['eventIds'],
    properties: { eventIds: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } } },
  },
  webhook: {
    type: 'object',
    additionalProperties: false,
    required: ['url'],
    properties: { url: { type: 'string', minLength: 1, maxLength: 2048 } },
  },
  eventBatch: {
    type: 'object',
    additionalProperties: false,
    required: ['events'],
    properties: { events: { type: 'array', minItems: 1, maxItems: MAX_EVENT_BATCH, items: { type: 'object' } } },
  },
} as const;

const validators = Object.fromEntries(Object.entries(NOTIFICATION_BODY_SCHEMAS).map(([name, schema]) => [name, ajv.compile(schema)]));

function invalid(what: string, errors: FieldError[]): ProblemError {
  // At most 20 fields named in the detail; `errors` lists them all. Never a value: they may be national IDs.
  const shown = errors.slice(0, 20).map((e) => `${e.pointer || '(body)'} ${e.detail}`).join('; ');
  return new ProblemError('invalid-request', `The body is not a valid ${what}: ${shown}${errors.length > 20 ? `; and ${errors.length - 20} more` : ''}.`, { errors });
}

function checked<T>(name: keyof typeof NOTIFICATION_BODY_SCHEMAS, what: string, body: unknown): T {
  const value = body ?? {};
  const validate = validators[name];
  if (validate(value)) return value as T;
  throw invalid(what, fieldErrorsOf(validate.errors, value, 'request'));
}

export const subscriptionBody = (body: unknown) => checked<{ nationalIds: string[] }>('subscription', 'subscription', body);
export const acknowledgementBody = (body: unknown) => checked<{ eventIds: string[] }>('acknowledgement', 'acknowledgement', body);
export const webhookBody = (body: unknown) => checked<{ url: string }>('webhook', 'webhook registration', body);

/** One event (`{nationalId, changedOn}`) or a batch (`{events: [...]}`), each checked against the event type's schema. */
export function eventsBody(type: EventTypeDefinition, body: unknown): NotificationContent[] {
  const what = `${type.registry}/${type.eventType} event`;
  if (body !== null && typeof body === 'object' && 'events' in body) {
    const batch = checked<{ events: unknown[] }>('eventBatch', `${what} batch`, body);
    const errors = batch.events.flatMap((event, i) => type.validate(event).map((e) => ({ pointer: `/events/${i}${e.pointer}`, detail: e.detail })));
    if (errors.length > 0) throw invalid(`${what} batch`, errors);
    return batch.events as NotificationContent[];
  }
  const errors = type.validate(body ?? {});
  if (errors.length > 0) throw invalid(what, errors);
  return [body as NotificationContent];
}
