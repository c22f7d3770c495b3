import { OUTCOMES, ProblemError, type Outcome } from '@nix/domain';
import { defaultInterval, INTERVALS, parsePeriod, type Interval, type ReportPeriod } from './period';
import type { TrafficFilters } from './report-scope';

/** The keys a usage report can be grouped by. service implies registry: a service's name is unique only within its registry. */
export const USAGE_KEYS = ['consumer', 'provider', 'registry', 'service', 'outcome', 'period'] as const;
export type UsageKey = (typeof USAGE_KEYS)[number];

export const LANGUAGES = ['fa', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const MAX_ROWS = 50_000;
export const DEFAULT_ROWS = 10_000;
export const DEFAULT_EXPIRY_DAYS = 30;

export type RawQuery = Record<string, unknown>;

const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const PERIOD_PARAMETERS = ['period', 'from', 'to'];
const FILTER_PARAMETERS = ['consumer', 'provider', 'registry', 'service', 'outcome'];

export interface TrafficQuery {
  period: ReportPeriod;
  filters: TrafficFilters;
  lang: Language;
}

export interface UsageQuery extends TrafficQuery {
  groupBy: UsageKey[];
  interval: Interval;
  limit: number;
}

export interface ComplianceQuery extends TrafficQuery {
  expiresWithinDays: number;
}

function invalid(parameter: string, detail: string): ProblemError {
  return new ProblemError('invalid-request', `Query parameter ${parameter} ${detail}.`, { errors: [{ pointer: `query:${parameter}`, detail }] });
}

/** A parameter given once, or undefined; repeating it is refused. */
function single(query: RawQuery, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalid(name, 'must be given once');
  return value;
}

function refuseUnknown(query: RawQuery, allowed: readonly string[]): void {
  const unknown = Object.keys(query).find((name) => !allowed.includes(name));
  if (unknown !== undefined) throw invalid(unknown, `is not a parameter of this report (it takes: ${allowed.join(', ')})`);
}

function oneOf<T extends string>(query: RawQuery, name: string, values: readonly T[], fallback: T): T {
  const value = single(query, name);
  if (value === undefined) return fallback;
  if (!values.includes(value as T)) throw invalid(name, `must be one of: ${values.join(', ')}`);
  return value as T;
}

function integer(query: RawQuery, name: string, min: number, max: number, fallback: number): number {
  const value = single(query, name);
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value) || +value < min || +value > max) throw invalid(name, `must be a whole number from ${min} to ${max}`);
  return +value;
}

function filtersOf(query: RawQuery): TrafficFilters {
  const filters: TrafficFilters = {};
  for (const name of FILTER_PARAMETERS as (keyof TrafficFilters)[]) {
    const value = single(query, name);
    if (value === undefined) continue;
    if (name === 'outcome' ? !OUTCOMES.includes(value as Outcome) : !SLUG.test(value)) {
      throw invalid(name, name === 'outcome' ? `must be one of: ${OUTCOMES.join(', ')}` : 'must be an identifier: lower-case letters, digits, dots, dashes');
    }
    filters[name] = value;
  }
  return filters;
}

function trafficQueryOf(query: RawQuery, now: number): TrafficQuery {
  return {
    period: parsePeriod({ period: single(query, 'period'), from: single(query, 'from'), to: single(query, 'to') }, now),
    filters: filtersOf(query),
    lang: oneOf(query, 'lang', LANGUAGES, 'fa'),
  };
}

/** groupBy=consumer,service&groupBy=outcome: any subset of USAGE_KEYS, in any order, each once. */
export function parseGroupBy(value: unknown): UsageKey[] {
  if (value === undefined) return [];
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((k) => k.trim());
  const keys: UsageKey[] = [];
  for (const part of parts) {
    if (!USAGE_KEYS.includes(part as UsageKey)) throw invalid('groupBy', `names "${part}", which is not one of: ${USAGE_KEYS.join(', ')}`);
    if (keys.includes(part as UsageKey)) throw invalid('groupBy', `names "${part}" twice`);
    keys.push(part as UsageKey);
  }
  return keys;
}

export function parseUsageQuery(query: RawQuery, now: number): UsageQuery {
  refuseUnknown(query, [...PERIOD_PARAMETERS, ...FILTER_PARAMETERS, 'groupBy', 'interval', 'limit', 'lang', 'format']);
  const traffic = trafficQueryOf(query, now);
  return {
    ...traffic,
    groupBy: parseGroupBy(query.groupBy),
    interval: oneOf(query, 'interval', INTERVALS, defaultInterval(traffic.period)),
    limit: integer(query, 'limit', 1, MAX_ROWS, DEFAULT_ROWS),
  };
}

export function parseServiceLevelQuery(query: RawQuery, now: number): TrafficQuery {
  refuseUnknown(query, [...PERIOD_PARAMETERS, ...FILTER_PARAMETERS.filter((f) => f !== 'outcome'), 'lang', 'format']);
  return trafficQueryOf(query, now);
}

export function parseComplianceQuery(query: RawQuery, now: number): ComplianceQuery {
  refuseUnknown(query, [...PERIOD_PARAMETERS, 'expiresWithinDays', 'lang', 'format']);
  return { ...trafficQueryOf(query, now), expiresWithinDays: integer(query, 'expiresWithinDays', 1, 366, DEFAULT_EXPIRY_DAYS) };
}

export function parseAgencyReportQuery(query: RawQuery, now: number): TrafficQuery {
  refuseUnknown(query, [...PERIOD_PARAMETERS, 'lang', 'format']);
  return trafficQueryOf(query, now);
}

/** format=… wins; otherwise Accept decides between the report's own type and its alternative. */
export function formatOf<T extends string>(query: RawQuery, accept: string | undefined, formats: readonly T[], byAccept: Partial<Record<T, RegExp>>): T {
  const fallback = formats[0];
  const chosen = oneOf(query, 'format', formats, fallback);
  if (single(query, 'format') !== undefined) return chosen;
  for (const format of formats) if (byAccept[format]?.test(accept ?? '')) return format;
  return fallback;
}
