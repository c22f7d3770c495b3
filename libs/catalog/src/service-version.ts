import safeRegex from 'safe-regex2';
import type { AgencyRole, BilingualText, FieldError } from '@nix/domain';
import { CatalogueInputError, VersionPublishedError } from './catalogue-error';
import { createSchemaCompiler, fieldErrorsOf } from './json-schema';

/** Who changes the catalogue: an agency and its roles (the same shape as the governance actor). */
export interface CatalogueActor {
  agencyId: string;
  roles: readonly AgencyRole[];
}

export type JsonSchemaDocument = Record<string, unknown> & { properties?: Record<string, unknown>; examples?: unknown[] };

/**
 * R13: the level of assurance an identity answer carries (the eIDAS levels `low`, `substantial`, `high`); null for a
 * service that does not answer an identity check.
 */
export type LevelOfAssurance = 'low' | 'substantial' | 'high';
export const LEVELS_OF_ASSURANCE: readonly LevelOfAssurance[] = ['low', 'substantial', 'high'];

export const WEEKDAYS = ['sat', 'sun', 'mon', 'tue', 'wed', 'thu', 'fri'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** One weekly opening, in Tehran time: from `from` (HH:MM) until `until` (HH:MM, `24:00` for midnight) on each day named. */
export interface ServiceHoursSpan {
  days: Weekday[];
  from: string;
  until: string;
}
/** R15: the service hours, `24x7` or weekly spans in Tehran time (a span across midnight is written as two). */
export type ServiceHours = '24x7' | ServiceHoursSpan[];

/** What a custodian publishes for one version (the body of PUT …/versions/{semver}). */
export interface ServiceVersionBody {
  title: BilingualText;
  description: BilingualText;
  request: JsonSchemaDocument;
  response: JsonSchemaDocument;
  timeoutMs: number;
  loa: LevelOfAssurance | null;
  hours: ServiceHours;
  /** R14: an https URL. */
  dataProtectionStatement: string;
  /** How the adapter host reaches the registry: opaque here, checked by the BindingCheck port. `{kind: "code"}` is a built-in adapter. */
  binding: Record<string, unknown> & { kind: string };
}

export interface Deprecation {
  /** When the custodian marked it deprecated (the RFC 9745 Deprecation header). */
  deprecatedAt: string;
  /** When it stops answering (the RFC 8594 Sunset header), ISO 8601 UTC. */
  sunset: string;
  /** The version to move to, or null. */
  successor: string | null;
}

/** One published version of one service: immutable, except for its deprecation. */
export interface PublishedServiceVersion extends ServiceVersionBody {
  registry: string;
  service: string;
  version: string;
  custodian: string;
  publishedBy: string;
  publishedAt: string;
  deprecation: Deprecation | null;
}

/**
 * Checks a binding against the version it serves (the adapter host's rules: kinds, URL templates naming request
 * fields, every example run through it). Returns the faults, each with a JSON pointer into the version body (e.g.
 * `/binding/url` or `/request/examples/0`); empty when the binding is good.
 */
export type BindingCheck = (binding: ServiceVersionBody['binding'], version: { registry: string; service: string; version: string; body: ServiceVersionBody }) =>
  | readonly FieldError[]
  | Promise<readonly FieldError[]>;

export const SLUG = /^[a-z][a-z0-9-]{0,39}$/;
/** Major.minor.patch, no leading zeros, no pre-release or build: what X-Service-Version can name exactly. */
export const SEMVER = /^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$/;
export const JSON_SCHEMA_2020_12 = 'https://json-schema.org/draft/2020-12/schema';
const TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const BODY_FIELDS = ['title', 'description', 'request', 'response', 'timeoutMs', 'loa', 'hours', 'dataProtectionStatement', 'binding'];

export type Semver = [number, number, number];

export function parseSemver(version: string): Semver | null {
  const match = SEMVER.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
}

export function compareSemver(a: string, b: string): number {
  const [x, y] = [parseSemver(a), parseSemver(b)];
  if (!x || !y) throw new Error(`not a semantic version: ${x ? b : a}`);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/**
 * The order rule: a version never goes backwards. Within a major it is greater than every published version of that
 * major; a new major is greater than every major published. So 1.4.0 may follow 2.0.0 (a fix to the old major), but
 * 1.3.9 may not follow 1.4.0, nor 2.0.0 follow 3.0.0. Majors start at 1. Republishing a version is a conflict.
 */
export function checkVersionOrder(published: readonly string[], version: string, subject: string): void {
  const parsed = parseSemver(version);
  if (!parsed) throw CatalogueInputError.at('/version', 'must be a semantic version MAJOR.MINOR.PATCH such as 1.0.0 (no pre-release)');
  if (parsed[0] < 1) throw CatalogueInputError.at('/version', 'must have a major version of at least 1');
  if (published.includes(version)) throw new VersionPublishedError(subject);
  const sameMajor = published.filter((v) => parseSemver(v)![0] === parsed[0]);
  if (sameMajor.length > 0) {
    const newest = sameMajor.reduce((a, b) => (compareSemver(a, b) >= 0 ? a : b));
    if (compareSemver(version, newest) < 0) throw CatalogueInputError.at('/version', `goes backwards: it must be greater than ${newest}, the newest published version of major ${parsed[0]}`);
    return;
  }
  const newestMajor = Math.max(0, ...published.map((v) => parseSemver(v)![0]));
  if (parsed[0] < newestMajor) throw CatalogueInputError.at('/version', `goes backwards: a new major version must be greater than ${newestMajor}, the newest major published`);
}

/** Checks the names in the path of a publication. */
export function checkServiceName(registry: string, service: string): void {
  if (!SLUG.test(registry)) throw CatalogueInputError.at('/registry', 'must be a lower-case slug (a-z, 0-9, -; up to 40 characters)');
  if (!SLUG.test(service)) throw CatalogueInputError.at('/service', 'must be a lower-case slug (a-z, 0-9, -; up to 40 characters)');
}

/**
 * The publishing rules for a version's body: every field present and well-formed, both schemas valid JSON Schema
 * 2020-12 with at least one example each and every example valid against its schema, the answer's top-level
 * properties its data items; then the binding, through the BindingCheck port. Throws CatalogueInputError naming every
 * field at fault (the binding is checked only when the rest is good). Returns the body as it will be stored.
 */
export async function checkVersionBody(
  body: unknown,
  where: { registry: string; service: string; version: string },
  checkBinding: BindingCheck,
): Promise<ServiceVersionBody> {
  const errors = versionBodyErrors(body);
  if (errors.length > 0) throw new CatalogueInputError(errors);
  const version = body as ServiceVersionBody;
  const bindingErrors = await checkBinding(version.binding, { ...where, body: version });
  if (bindingErrors.length > 0) throw new CatalogueInputError(bindingErrors);
  return pick(version);
}

/** The field errors of a version body, without its binding check (pure: used by checkVersionBody and the bootstrap). */
export function versionBodyErrors(body: unknown): FieldError[] {
  if (!isObject(body)) return [{ pointer: '', detail: 'must be a JSON object' }];
  const errors: FieldError[] = [];
  const fail = (pointer: string, detail: string) => errors.push({ pointer, detail });
  for (const key of Object.keys(body)) if (!BODY_FIELDS.includes(key)) fail(`/${key}`, 'is not a field of a service version');
  for (const key of ['title', 'description'] as const) if (!isBilingual(body[key])) fail(`/${key}`, 'must have non-empty fa and en texts');
  errors.push(...schemaErrors(body.request, '/request', false), ...schemaErrors(body.response, '/response', true));
  const timeout = body.timeoutMs;
  if (!(Number.isInteger(timeout) && (timeout as number) >= 100 && (timeout as number) <= 60000)) fail('/timeoutMs', 'must be an integer from 100 to 60000');
  if (!('loa' in body) || !(body.loa === null || LEVELS_OF_ASSURANCE.includes(body.loa as LevelOfAssurance))) {
    fail('/loa', `must be one of ${LEVELS_OF_ASSURANCE.join(', ')}, or null for a service that answers no identity check`);
  }
  errors.push(...hoursErrors(body.hours));
  if (!isHttpsUrl(body.dataProtectionStatement)) fail('/dataProtectionStatement', 'must be an https URL (R14: the data-protection statement)');
  const binding = body.binding;
  if (!isObject(binding) || typeof binding.kind !== 'string' || binding.kind.length === 0) fail('/binding', 'must be an object with a kind');
  return errors;
}

function schemaErrors(schema: unknown, at: string, isAnswer: boolean): FieldError[] {
  if (!isObject(schema)) return [{ pointer: at, detail: 'must be a JSON Schema object' }];
  if (schema.$schema !== undefined && schema.$schema !== JSON_SCHEMA_2020_12) return [{ pointer: `${at}/$schema`, detail: `must be ${JSON_SCHEMA_2020_12} (or absent)` }];
  if (isAnswer && (!isObject(schema.properties) || Object.keys(schema.properties).length === 0)) {
    return [{ pointer: `${at}/properties`, detail: 'must declare the data items as top-level properties' }];
  }
  const unsafe = unsafePatterns(schema, at);
  if (unsafe.length > 0) return unsafe;
  // A compiler per schema: two versions of a service may carry the same $id.
  let validate;
  try {
    validate = createSchemaCompiler().compile(schema);
  } catch (error) {
    return [{ pointer: at, detail: `is not a valid JSON Schema 2020-12: ${(error as Error).message}` }];
  }
  if (!Array.isArray(schema.examples) || schema.examples.length === 0) return [{ pointer: `${at}/examples`, detail: 'must hold at least one working example' }];
  const errors: FieldError[] = [];
  schema.examples.forEach((example, i) => {
    if (validate(example)) return;
    const why = fieldErrorsOf(validate.errors, example, isAnswer ? 'answer' : 'inquiry').map((e) => `${e.pointer || '/'} ${e.detail}`).join('; ');
    errors.push({ pointer: `${at}/examples/${i}`, detail: `does not match its schema: ${why}` });
  });
  return errors;
}

/**
 * A custodian's `pattern` runs on every inquiry and answer: one that can backtrack catastrophically (star height
 * above one, or too many repetitions) would let a single hostile value hold the broker's thread, so it is refused.
 */
function unsafePatterns(node: unknown, at: string): FieldError[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => unsafePatterns(item, `${at}/${i}`));
  if (!isObject(node)) return [];
  const errors: FieldError[] = [];
  const refuse = (pointer: string, pattern: string) => {
    let safe: boolean;
    try {
      safe = safeRegex(new RegExp(pattern, 'u'));
    } catch {
      return; // Not a valid pattern: the compiler names it.
    }
    if (!safe) errors.push({ pointer, detail: 'is a pattern that can backtrack catastrophically (nested or too many repetitions); write it without nested quantifiers' });
  };
  for (const [key, value] of Object.entries(node)) {
    const pointer = `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (key === 'pattern' && typeof value === 'string') refuse(pointer, value);
    if (key === 'patternProperties' && isObject(value)) for (const name of Object.keys(value)) refuse(pointer, name);
    if (key !== 'examples' && key !== 'const' && key !== 'enum' && key !== 'default') errors.push(...unsafePatterns(value, pointer));
  }
  return errors;
}

export function hoursErrors(hours: unknown): FieldError[] {
  if (hours === '24x7') return [];
  const shape = 'must be "24x7" or a list of {days, from, until} in Tehran time';
  if (!Array.isArray(hours) || hours.length === 0) return [{ pointer: '/hours', detail: shape }];
  const errors: FieldError[] = [];
  hours.forEach((span: unknown, i) => {
    const at = `/hours/${i}`;
    if (!isObject(span)) return errors.push({ pointer: at, detail: shape });
    for (const key of Object.keys(span)) if (!['days', 'from', 'until'].includes(key)) errors.push({ pointer: `${at}/${key}`, detail: 'is not a field of service hours' });
    const days = span.days;
    if (!Array.isArray(days) || days.length === 0 || days.some((d) => !WEEKDAYS.includes(d as Weekday)) || new Set(days).size !== days.length) {
      errors.push({ pointer: `${at}/days`, detail: `must name days once each, of ${WEEKDAYS.join(', ')}` });
    }
    const from = span.from;
    const until = span.until;
    if (typeof from !== 'string' || !TIME.test(from) || from === '24:00') errors.push({ pointer: `${at}/from`, detail: 'must be a time HH:MM' });
    else if (typeof until !== 'string' || !TIME.test(until)) errors.push({ pointer: `${at}/until`, detail: 'must be a time HH:MM (24:00 for midnight)' });
    else if (until <= from) errors.push({ pointer: `${at}/until`, detail: 'must be after from (write a span across midnight as two)' });
  });
  return errors;
}

/** The answer's top-level properties: what agreements grant item by item. */
export function dataItemsOf(version: Pick<ServiceVersionBody, 'response'>): string[] {
  return Object.keys(version.response.properties ?? {});
}

/** Only the fields of a version body, so that nothing else is stored. */
function pick(body: ServiceVersionBody): ServiceVersionBody {
  const { title, description, request, response, timeoutMs, loa, hours, dataProtectionStatement, binding } = body;
  return { title, description, request, response, timeoutMs, loa, hours, dataProtectionStatement, binding };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isBilingual(value: unknown): value is BilingualText {
  return isObject(value) && typeof value.fa === 'string' && value.fa.trim().length > 0 && typeof value.en === 'string' && value.en.trim().length > 0;
}

function isHttpsUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

export function requireVersionBody(body: unknown, where: string): asserts body is ServiceVersionBody {
  const errors = versionBodyErrors(body);
  if (errors.length > 0) throw new Error(`${where}: ${new CatalogueInputError(errors).message}`);
}
