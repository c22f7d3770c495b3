import { DateTime } from 'luxon';
import { isValidJalaaliDate, toGregorian, toJalaali } from 'jalaali-js';
import { NATIONAL_TIME_ZONE, ProblemError } from '@nix/domain';

/**
 * Report periods, in Tehran time: a day, a Gregorian month, a Solar Hijri
 * month, a Solar Hijri quarter (season, R11), or any from/to range. The
 * rollups are kept by Tehran hour, so every period starts and ends on a
 * Tehran hour boundary.
 */
export const CALENDAR_PERIODS = ['day', 'month', 'jalali-month', 'jalali-quarter'] as const;
export type CalendarPeriodKind = (typeof CALENDAR_PERIODS)[number];
export type PeriodKind = CalendarPeriodKind | 'range';

/** The granularity of a report's period column. */
export const INTERVALS = ['hour', 'day', 'month', 'jalali-month', 'jalali-quarter'] as const;
export type Interval = (typeof INTERVALS)[number];

export const MAX_RANGE_DAYS = 400;
export const MAX_BUCKETS = 1000;

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
const ZONE = NATIONAL_TIME_ZONE;
const GREGORIAN_YEARS = { min: 2000, max: 2100 };
const JALALI_YEARS = { min: 1379, max: 1479 };

export const SEASONS = [
  { fa: 'بهار', en: 'Spring' },
  { fa: 'تابستان', en: 'Summer' },
  { fa: 'پاییز', en: 'Autumn' },
  { fa: 'زمستان', en: 'Winter' },
] as const;

export interface ReportPeriod {
  kind: PeriodKind;
  /** How to ask for the same period again: day:2026-11-23, jalali-quarter:1405-Q3, range. */
  key: string;
  /** Epoch ms of the first instant, on a Tehran hour. */
  from: number;
  /** Epoch ms just after the last instant, on a Tehran hour. */
  to: number;
  /** A from/to range that was widened outward to whole Tehran hours. */
  roundedToHours: boolean;
}

export interface PeriodQuery {
  period?: string;
  from?: string;
  to?: string;
}

/** One row of a report's period column. */
export interface PeriodBucket {
  key: string;
  from: number;
  to: number;
}

function invalid(parameter: string, detail: string): ProblemError {
  return new ProblemError('invalid-period', `Query parameter ${parameter} ${detail}.`, { errors: [{ pointer: `query:${parameter}`, detail }] });
}

function tehran(epochMs: number): DateTime {
  return DateTime.fromMillis(epochMs, { zone: ZONE });
}

function gregorianStart(year: number, month: number, day = 1): DateTime {
  return DateTime.fromObject({ year, month, day }, { zone: ZONE }).startOf('day');
}

function jalaliStart(jy: number, jm: number, jd = 1): DateTime {
  const { gy, gm, gd } = toGregorian(jy, jm, jd);
  return gregorianStart(gy, gm, gd);
}

/** The Solar Hijri date of a Tehran instant. */
export function jalaliOf(epochMs: number): { jy: number; jm: number; jd: number } {
  const t = tehran(epochMs);
  return toJalaali(t.year, t.month, t.day);
}

const pad = (n: number) => String(n).padStart(2, '0');

export function jalaliDateOf(epochMs: number): string {
  const { jy, jm, jd } = jalaliOf(epochMs);
  return `${jy}-${pad(jm)}-${pad(jd)}`;
}

export function gregorianDateOf(epochMs: number): string {
  return tehran(epochMs).toISODate()!;
}

export function quarterOfMonth(jm: number): number {
  return Math.floor((jm - 1) / 3) + 1;
}

function nextJalaliMonth(jy: number, jm: number): [number, number] {
  return jm === 12 ? [jy + 1, 1] : [jy, jm + 1];
}

function calendarPeriod(kind: CalendarPeriodKind, start: DateTime, end: DateTime, value: string): ReportPeriod {
  return { kind, key: `${kind}:${value}`, from: start.toMillis(), to: end.toMillis(), roundedToHours: false };
}

function dayPeriod(value: string): ReportPeriod {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const start = match ? gregorianStart(+match[1], +match[2], +match[3]) : null;
  if (!start?.isValid || start.toISODate() !== value || !inYears(start.year, GREGORIAN_YEARS)) {
    throw invalid('period', `day:${value} must name a Gregorian date YYYY-MM-DD between ${GREGORIAN_YEARS.min} and ${GREGORIAN_YEARS.max}`);
  }
  return calendarPeriod('day', start, start.plus({ days: 1 }), value);
}

function monthPeriod(value: string): ReportPeriod {
  const match = /^(\d{4})-(\d{2})$/.exec(value);
  const [year, month] = match ? [+match[1], +match[2]] : [0, 0];
  if (!match || month < 1 || month > 12 || !inYears(year, GREGORIAN_YEARS)) {
    throw invalid('period', `month:${value} must name a Gregorian month YYYY-MM between ${GREGORIAN_YEARS.min} and ${GREGORIAN_YEARS.max}`);
  }
  const start = gregorianStart(year, month);
  return calendarPeriod('month', start, start.plus({ months: 1 }), value);
}

function jalaliMonthPeriod(value: string): ReportPeriod {
  const match = /^(\d{4})-(\d{2})$/.exec(value);
  const [jy, jm] = match ? [+match[1], +match[2]] : [0, 0];
  if (!match || !inYears(jy, JALALI_YEARS) || !isValidJalaaliDate(jy, jm, 1)) {
    throw invalid('period', `jalali-month:${value} must name a Solar Hijri month YYYY-MM between ${JALALI_YEARS.min} and ${JALALI_YEARS.max}`);
  }
  return calendarPeriod('jalali-month', jalaliStart(jy, jm), jalaliStart(...nextJalaliMonth(jy, jm)), value);
}

function jalaliQuarterPeriod(value: string): ReportPeriod {
  const match = /^(\d{4})-Q([1-4])$/.exec(value);
  const [jy, quarter] = match ? [+match[1], +match[2]] : [0, 0];
  if (!match || !inYears(jy, JALALI_YEARS)) {
    throw invalid('period', `jalali-quarter:${value} must name a Solar Hijri season YYYY-Qn (n from 1, spring, to 4, winter) between ${JALALI_YEARS.min} and ${JALALI_YEARS.max}`);
  }
  const firstMonth = 3 * (quarter - 1) + 1;
  const end = quarter === 4 ? jalaliStart(jy + 1, 1) : jalaliStart(jy, firstMonth + 3);
  return calendarPeriod('jalali-quarter', jalaliStart(jy, firstMonth), end, value);
}

function inYears(year: number, bounds: { min: number; max: number }): boolean {
  return year >= bounds.min && year <= bounds.max;
}

/** The value naming the calendar period that holds an instant, e.g. 1405-Q3 for a jalali-quarter. */
export function currentValue(kind: CalendarPeriodKind, epochMs: number): string {
  const t = tehran(epochMs);
  const { jy, jm } = jalaliOf(epochMs);
  switch (kind) {
    case 'day':
      return t.toISODate()!;
    case 'month':
      return t.toFormat('yyyy-MM');
    case 'jalali-month':
      return `${jy}-${pad(jm)}`;
    case 'jalali-quarter':
      return `${jy}-Q${quarterOfMonth(jm)}`;
  }
}

/** A calendar period by kind and value (the current one when value is omitted). */
export function calendarPeriodOf(kind: CalendarPeriodKind, value: string | undefined, now: number): ReportPeriod {
  const v = value ?? currentValue(kind, now);
  switch (kind) {
    case 'day':
      return dayPeriod(v);
    case 'month':
      return monthPeriod(v);
    case 'jalali-month':
      return jalaliMonthPeriod(v);
    case 'jalali-quarter':
      return jalaliQuarterPeriod(v);
  }
}

const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const OFFSET = /([+-])(\d{2}):?(\d{2})$/;

/** UTC offsets in use run from -12:00 to +14:00; luxon would take +99:99 as +100:39. */
function possibleOffset(text: string): boolean {
  const match = text.includes('T') ? OFFSET.exec(text) : null;
  if (!match) return true;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  if (Number(match[3]) > 59) return false;
  return match[1] === '+' ? minutes <= 14 * 60 : minutes <= 12 * 60;
}

/** A date (Tehran midnight) or a date-time (Tehran time unless it names its offset). */
function instantOf(parameter: string, text: string): DateTime {
  const parsed = INSTANT.test(text) ? DateTime.fromISO(text, { zone: ZONE }) : null;
  if (parsed?.isValid && !possibleOffset(text)) throw invalid(parameter, 'has an impossible UTC offset; offsets run from -12:00 to +14:00');
  if (!parsed?.isValid) throw invalid(parameter, 'must be an ISO 8601 date (YYYY-MM-DD, Tehran midnight) or date-time (YYYY-MM-DDTHH:mm, with Z or an offset, else Tehran time)');
  if (!inYears(parsed.year, GREGORIAN_YEARS)) throw invalid(parameter, `must fall between the years ${GREGORIAN_YEARS.min} and ${GREGORIAN_YEARS.max}`);
  return parsed;
}

/** A from/to range, widened outward to whole Tehran hours: the rollups' resolution. */
export function rangePeriod(fromText: string, toText: string): ReportPeriod {
  const from = instantOf('from', fromText);
  const to = instantOf('to', toText);
  if (to.toMillis() <= from.toMillis()) throw invalid('to', 'must be later than from');
  const start = from.startOf('hour');
  const hourOfTo = to.startOf('hour');
  const end = hourOfTo.toMillis() < to.toMillis() ? hourOfTo.plus({ hours: 1 }) : hourOfTo;
  if (end.toMillis() - start.toMillis() > MAX_RANGE_DAYS * DAY_MS) throw invalid('to', `must be at most ${MAX_RANGE_DAYS} days after from`);
  const rounded = start.toMillis() !== from.toMillis() || end.toMillis() !== to.toMillis();
  return { kind: 'range', key: 'range', from: start.toMillis(), to: end.toMillis(), roundedToHours: rounded };
}

/**
 * Reads period=<kind>[:<value>] or from=&to=. Without either, the report
 * covers today.
 */
export function parsePeriod(query: PeriodQuery, now: number): ReportPeriod {
  const { period, from, to } = query;
  if (period !== undefined && (from !== undefined || to !== undefined)) {
    throw invalid('period', 'cannot be combined with from and to; give one or the other');
  }
  if (from !== undefined || to !== undefined) {
    if (from === undefined) throw invalid('from', 'is required with to');
    if (to === undefined) throw invalid('to', 'is required with from');
    return rangePeriod(from, to);
  }
  if (period === undefined) return calendarPeriodOf('day', undefined, now);
  const match = /^([a-z-]+)(?::(.+))?$/.exec(period);
  const kind = match?.[1] as CalendarPeriodKind;
  if (!match || !CALENDAR_PERIODS.includes(kind)) {
    throw invalid('period', `must be one of ${CALENDAR_PERIODS.join(', ')}, optionally followed by :<value> (e.g. day:2026-11-23, month:2026-11, jalali-month:1405-09, jalali-quarter:1405-Q3)`);
  }
  return calendarPeriodOf(kind, match[2], now);
}

/** The period just before: the previous day, month or season, or a range of the same length. */
export function previousPeriod(period: ReportPeriod): ReportPeriod {
  if (period.kind === 'range') {
    return { ...period, from: period.from - (period.to - period.from), to: period.from, roundedToHours: false };
  }
  return calendarPeriodOf(period.kind, currentValue(period.kind, period.from - 1), period.from - 1);
}

export function defaultInterval(period: ReportPeriod): Interval {
  const days = (period.to - period.from) / DAY_MS;
  if (days <= 2) return 'hour';
  if (days <= 93) return 'day';
  return 'jalali-month';
}

function unitStart(interval: Interval, t: DateTime): DateTime {
  switch (interval) {
    case 'hour':
      return t.startOf('hour');
    case 'day':
      return t.startOf('day');
    case 'month':
      return t.startOf('month');
    case 'jalali-month': {
      const { jy, jm } = toJalaali(t.year, t.month, t.day);
      return jalaliStart(jy, jm);
    }
    case 'jalali-quarter': {
      const { jy, jm } = toJalaali(t.year, t.month, t.day);
      return jalaliStart(jy, 3 * (quarterOfMonth(jm) - 1) + 1);
    }
  }
}

function nextUnit(interval: Interval, start: DateTime): DateTime {
  switch (interval) {
    case 'hour':
      return start.plus({ hours: 1 });
    case 'day':
      return start.plus({ days: 1 });
    case 'month':
      return start.plus({ months: 1 });
    case 'jalali-month':
    case 'jalali-quarter': {
      // Past the longest Solar Hijri month (31 days) or season (93 days), then back to its first day.
      return unitStart(interval, start.plus({ days: interval === 'jalali-month' ? 32 : 94 }));
    }
  }
}

function bucketKey(interval: Interval, start: DateTime): string {
  switch (interval) {
    case 'hour':
      return start.toISO({ suppressSeconds: true, suppressMilliseconds: true })!;
    case 'day':
      return start.toISODate()!;
    case 'month':
      return start.toFormat('yyyy-MM');
    case 'jalali-month':
    case 'jalali-quarter':
      return currentValue(interval, start.toMillis());
  }
}

/** The period cut into consecutive buckets of the interval; the first and last may be partial. */
export function periodBuckets(period: ReportPeriod, interval: Interval): PeriodBucket[] {
  const approximate = Math.ceil((period.to - period.from) / { hour: HOUR_MS, day: DAY_MS, month: 28 * DAY_MS, 'jalali-month': 29 * DAY_MS, 'jalali-quarter': 89 * DAY_MS }[interval]);
  if (approximate > MAX_BUCKETS) throw invalid('interval', `${interval} would cut this period into more than ${MAX_BUCKETS} rows; choose a longer interval`);
  const buckets: PeriodBucket[] = [];
  let cursor = tehran(period.from);
  while (cursor.toMillis() < period.to) {
    const next = nextUnit(interval, unitStart(interval, cursor));
    buckets.push({ key: bucketKey(interval, cursor), from: cursor.toMillis(), to: Math.min(next.toMillis(), period.to) });
    cursor = next;
  }
  return buckets;
}

export interface PeriodDescription {
  kind: PeriodKind;
  key: string;
  from: string;
  to: string;
  /** First and last day covered, in each calendar. */
  gregorian: { first: string; last: string };
  jalali: { first: string; last: string };
  label: { fa: string; en: string };
  hours: number;
  roundedToHours: boolean;
  resolution: 'hour';
}

const faDate = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { timeZone: ZONE, day: 'numeric', month: 'long', year: 'numeric' });
const faMonth = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { timeZone: ZONE, month: 'long' });
const faYear = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { timeZone: ZONE, year: 'numeric' });
const faGregorianMonth = new Intl.DateTimeFormat('fa-IR-u-ca-gregory', { timeZone: ZONE, month: 'long' });
const faGregorianYear = new Intl.DateTimeFormat('fa-IR-u-ca-gregory', { timeZone: ZONE, year: 'numeric' });
const faGregorianDate = new Intl.DateTimeFormat('fa-IR-u-ca-gregory', { timeZone: ZONE, day: 'numeric', month: 'long', year: 'numeric' });
const faDateTime = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { timeZone: ZONE, dateStyle: 'medium', timeStyle: 'short' });
const enDate = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, day: 'numeric', month: 'short', year: 'numeric' });
const enDateTime = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, dateStyle: 'medium', timeStyle: 'short' });
const enMonth = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, month: 'long', year: 'numeric' });
const enJalaliDate = new Intl.DateTimeFormat('en-u-ca-persian', { timeZone: ZONE, day: 'numeric', month: 'long', year: 'numeric' });
const enJalaliMonth = new Intl.DateTimeFormat('en-u-ca-persian', { timeZone: ZONE, month: 'long' });

/** The period's title in Persian (Solar Hijri first) and English (Gregorian first), each naming both calendars. */
export function periodLabel(period: ReportPeriod): { fa: string; en: string } {
  const first = new Date(period.from);
  const last = new Date(period.to - 1);
  const faSpan = `${faDate.format(first)} تا ${faDate.format(last)}`;
  const enSpan = `${enDate.format(first)} – ${enDate.format(last)}`;
  const { jy, jm } = jalaliOf(period.from);
  switch (period.kind) {
    case 'day':
      return { fa: `${faDate.format(first)} (${faGregorianDate.format(first)})`, en: `${enDate.format(first)} (${enJalaliDate.format(first)})` };
    case 'month':
      return { fa: `${faGregorianMonth.format(first)} ${faGregorianYear.format(first)} (${faSpan})`, en: `${enMonth.format(first)} (${enJalaliDate.format(first)} – ${enJalaliDate.format(last)})` };
    case 'jalali-month':
      return { fa: `${faMonth.format(first)} ${faYear.format(first)}`, en: `${enJalaliMonth.format(first)} ${jy} (${enSpan})` };
    case 'jalali-quarter': {
      const season = SEASONS[quarterOfMonth(jm) - 1];
      return { fa: `${season.fa} ${faYear.format(first)} (${faSpan})`, en: `${season.en} ${jy}, Q${quarterOfMonth(jm)} (${enSpan})` };
    }
    case 'range':
      return { fa: `${faDateTime.format(first)} تا ${faDateTime.format(new Date(period.to))}`, en: `${enDateTime.format(first)} – ${enDateTime.format(new Date(period.to))}` };
  }
}

export function describePeriod(period: ReportPeriod): PeriodDescription {
  return {
    kind: period.kind,
    key: period.key,
    from: new Date(period.from).toISOString(),
    to: new Date(period.to).toISOString(),
    gregorian: { first: gregorianDateOf(period.from), last: gregorianDateOf(period.to - 1) },
    jalali: { first: jalaliDateOf(period.from), last: jalaliDateOf(period.to - 1) },
    label: periodLabel(period),
    hours: Math.round((period.to - period.from) / HOUR_MS),
    roundedToHours: period.roundedToHours,
    resolution: 'hour',
  };
}

/** First and last Tehran day a period touches, YYYY-MM-DD: how agreements are dated. */
export function periodDays(period: ReportPeriod): { first: string; last: string } {
  return { first: gregorianDateOf(period.from), last: gregorianDateOf(period.to - 1) };
}

/**
 * Which rollup a report reads: the daily one when every instant it cuts at (the period's ends, its buckets' starts)
 * is a midnight in Tehran, since a day row then falls wholly inside or outside each cut; the hourly one otherwise.
 */
export function rollupGrainFor(instants: readonly number[]): 'day' | 'hour' {
  for (const instant of instants) {
    if (DateTime.fromMillis(instant, { zone: ZONE }).startOf('day').toMillis() !== instant) return 'hour';
  }
  return 'day';
}
