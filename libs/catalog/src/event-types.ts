import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigurationError } from '@nix/config';
import type { BilingualText, FieldError } from '@nix/domain';
import { createSchemaCompiler, fieldErrorsOf } from './json-schema';

/**
 * An event type a registry's custodian publishes (R2, R18): `identity/person-changed`. Its body is the key and a
 * day, never what changed; agencies subscribe to it person by person, under an agreement that names it.
 */
export interface EventTypeDefinition {
  registry: string;
  /** The name within its registry, e.g. `person-changed`; agreements name it as their `service`. */
  eventType: string;
  version: string;
  custodian: string;
  title: BilingualText;
  description: BilingualText;
  schema: Record<string, unknown>;
  examples: Record<string, unknown>[];
  validate(body: unknown): FieldError[];
}

const SEMVER = /^\d+\.\d+\.\d+$/;
const SLUG = /^[a-z][a-z0-9-]{0,39}$/;
/** What every event carries, and all it carries: the person's key and the day of the change. */
const EVENT_FIELDS = ['nationalId', 'changedOn'];

/**
 * The event types declared in schemas/: a registry.json's `events`, each with its `<name>.event.json` schema beside
 * it. Read once at start; a bad declaration stops the process.
 */
export class EventTypeCatalog {
  private readonly byKey = new Map<string, EventTypeDefinition>();

  constructor(readonly eventTypes: readonly EventTypeDefinition[]) {
    for (const t of eventTypes) this.byKey.set(`${t.registry}/${t.eventType}`, t);
  }

  static load(schemasDir: string): EventTypeCatalog {
    const ajv = createSchemaCompiler();
    const found: EventTypeDefinition[] = [];
    for (const name of readdirSync(schemasDir).sort()) {
      const dir = join(schemasDir, name);
      if (!statSync(dir).isDirectory()) continue;
      const file = join(dir, 'registry.json');
      const shown = relative(process.cwd(), file);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- registry.json, checked field by field below
      const meta = JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;
      if (meta.events === undefined) continue;
      const need = (ok: boolean, location: string, reason: string) => {
        if (!ok) throw new ConfigurationError(shown, location, reason);
      };
      need(typeof meta.events === 'object' && meta.events !== null && !Array.isArray(meta.events), '/events', 'must be an object of event types');
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- checked field by field below
      for (const [eventType, spec] of Object.entries<any>(meta.events)) {
        const at = `/events/${eventType}`;
        need(SLUG.test(eventType), at, 'must be a lower-case slug');
        need(typeof spec?.version === 'string' && SEMVER.test(spec.version), `${at}/version`, 'must be a semantic version');
        need(isBilingual(spec.title), `${at}/title`, 'must have fa and en');
        need(isBilingual(spec.description), `${at}/description`, 'must have fa and en');
        const schemaFile = join(dir, `${eventType}.event.json`);
        const schemaShown = relative(process.cwd(), schemaFile);
        let schema: Record<string, unknown>;
        try {
          schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
        } catch (error) {
          throw new ConfigurationError(schemaShown, '', `is missing or not JSON (${(error as Error).message})`);
        }
        const properties = Object.keys((schema.properties ?? {})).sort();
        if (properties.join() !== [...EVENT_FIELDS].sort().join() || schema.additionalProperties !== false) {
          throw new ConfigurationError(schemaShown, '/properties', `must declare exactly ${EVENT_FIELDS.join(' and ')}, and no other property (R18: never what changed)`);
        }
        let validate: ReturnType<typeof ajv.compile>;
        try {
          validate = ajv.compile(schema);
        } catch (error) {
          throw new ConfigurationError(schemaShown, '', `is not a valid JSON Schema: ${(error as Error).message}`);
        }
        const examples = (Array.isArray(schema.examples) ? schema.examples : []) as Record<string, unknown>[];
        examples.forEach((example, i) => {
          if (!validate(example)) throw new ConfigurationError(schemaShown, `/examples/${i}`, 'does not match its own schema');
        });
        found.push({
          registry: name,
          eventType,
          version: spec.version,
          custodian: meta.custodian,
          title: spec.title,
          description: spec.description,
          schema,
          examples,
          validate: (body) => (validate(body) ? [] : fieldErrorsOf(validate.errors, body, 'request')),
        });
      }
    }
    return new EventTypeCatalog(found);
  }

  get(registry: string, eventType: string): EventTypeDefinition | undefined {
    return this.byKey.get(`${registry}/${eventType}`);
  }
}

function isBilingual(value: unknown): value is BilingualText {
  const v = value as BilingualText;
  return !!v && typeof v.fa === 'string' && v.fa.length > 0 && typeof v.en === 'string' && v.en.length > 0;
}
