import { DateTime } from 'luxon';
import { NATIONAL_TIME_ZONE, ProblemError, type BilingualText } from '@nix/domain';
import { CatalogueInputError } from './catalogue-error';
import { compareSemver, isBilingual, isObject, WEEKDAYS, type Deprecation, type PublishedServiceVersion, type ServiceHours } from './service-version';

/** A planned outage of one service (every version of it), announced by its custodian (R15). */
export interface MaintenanceWindow {
  id: string;
  registry: string;
  service: string;
  /** ISO 8601 UTC. */
  from: string;
  until: string;
  note: BilingualText;
  announcedBy: string;
  announcedAt: string;
}

/** What the custodian sends to deprecate a version. */
export interface DeprecationRequest {
  sunset: string;
  successor: string | null;
}

/** The response headers of a deprecated version's answers: RFC 9745 Deprecation, RFC 8594 Sunset, and the successor as a Link. */
export function deprecationHeaders(version: Pick<PublishedServiceVersion, 'registry' | 'service' | 'deprecation'>): Record<string, string> {
  const deprecation = version.deprecation;
  if (!deprecation) return {};
  const headers: Record<string, string> = {
    Deprecation: `@${Math.floor(Date.parse(deprecation.deprecatedAt) / 1000)}`,
    Sunset: new Date(deprecation.sunset).toUTCString(),
  };
  if (deprecation.successor) headers.Link = `</v1/services/${version.registry}/${version.service}/versions/${deprecation.successor}>; rel="successor-version"`;
  return headers;
}

export function isRetired(version: Pick<PublishedServiceVersion, 'deprecation'>, now: Date): boolean {
  return version.deprecation !== null && Date.parse(version.deprecation.sunset) <= now.getTime();
}

/** After its sunset a version answers 410 `service-retired`, naming its successor. */
export function checkNotRetired(version: Pick<PublishedServiceVersion, 'registry' | 'service' | 'version' | 'deprecation'>, now: Date): void {
  if (!isRetired(version, now)) return;
  const { sunset, successor } = version.deprecation!;
  const name = `${version.registry}/${version.service} ${version.version}`;
  throw new ProblemError('service-retired', `${name} was retired at ${sunset}.${successor ? ` Use ${successor} (X-Service-Version: ${successor}).` : ''}`, {
    sunset,
    successor,
  });
}

/**
 * Checks a deprecation: a sunset that is an RFC 3339 date-time with its offset, or a day (midnight starting it, Tehran
 * time), in the future; a successor that is a published version of the same service greater than this one, or null.
 */
export function checkDeprecation(request: unknown, version: string, published: readonly string[], now: Date): Omit<Deprecation, 'deprecatedAt'> {
  if (!isObject(request)) throw CatalogueInputError.at('', 'must be a JSON object {sunset, successor}');
  for (const key of Object.keys(request)) if (key !== 'sunset' && key !== 'successor') throw CatalogueInputError.at(`/${key}`, 'is not a field of a deprecation');
  const sunset = instantOf(request.sunset);
  if (sunset === null) throw CatalogueInputError.at('/sunset', 'must be a date-time with its offset (2027-03-21T00:00:00+03:30) or a day (2027-03-21, Tehran time)');
  if (sunset.getTime() <= now.getTime()) throw CatalogueInputError.at('/sunset', 'must be in the future');
  const successor = request.successor ?? null;
  if (successor !== null) {
    if (typeof successor !== 'string' || !published.includes(successor)) {
      throw CatalogueInputError.at('/successor', `must be a published version of this service (published: ${published.join(', ')}) or null`);
    }
    if (compareSemver(successor, version) <= 0) throw CatalogueInputError.at('/successor', `must be greater than ${version}`);
  }
  return { sunset: sunset.toISOString(), successor };
}

/** Checks a maintenance window: from and until as date-times (or days, Tehran time), until after from and in the future, a bilingual note. */
export function checkMaintenanceWindow(request: unknown, now: Date): { from: string; until: string; note: BilingualText } {
  if (!isObject(request)) throw CatalogueInputError.at('', 'must be a JSON object {from, until, note}');
  for (const key of Object.keys(request)) if (!['from', 'until', 'note'].includes(key)) throw CatalogueInputError.at(`/${key}`, 'is not a field of a maintenance window');
  const from = instantOf(request.from);
  if (from === null) throw CatalogueInputError.at('/from', 'must be a date-time with its offset, or a day (Tehran time)');
  const until = instantOf(request.until);
  if (until === null) throw CatalogueInputError.at('/until', 'must be a date-time with its offset, or a day (Tehran time)');
  if (until.getTime() <= from.getTime()) throw CatalogueInputError.at('/until', 'must be after from');
  if (until.getTime() <= now.getTime()) throw CatalogueInputError.at('/until', 'must be in the future');
  if (!isBilingual(request.note)) throw CatalogueInputError.at('/note', 'must have non-empty fa and en texts');
  return { from: from.toISOString(), until: until.toISOString(), note: { fa: request.note.fa, en: request.note.en } };
}

/** Windows of one service that have not ended, soonest first. */
export function upcomingMaintenance(windows: readonly MaintenanceWindow[], registry: string, service: string, now: Date): MaintenanceWindow[] {
  return windows
    .filter((w) => w.registry === registry && w.service === service && Date.parse(w.until) > now.getTime())
    .sort((a, b) => Date.parse(a.from) - Date.parse(b.from) || Date.parse(a.until) - Date.parse(b.until));
}

/**
 * Inside a maintenance window an inquiry gets 503 `maintenance`, never reaching the adapter, with Retry-After until
 * the window ends (or the last of the windows that follow on from it without a gap).
 */
export function checkNotInMaintenance(windows: readonly MaintenanceWindow[], registry: string, service: string, now: Date): void {
  const t = now.getTime();
  const pending = upcomingMaintenance(windows, registry, service, now);
  const current = pending.filter((w) => Date.parse(w.from) <= t);
  if (current.length === 0) return;
  let end = Math.max(...current.map((w) => Date.parse(w.until)));
  for (const w of pending) if (Date.parse(w.from) <= end) end = Math.max(end, Date.parse(w.until));
  const note = current[0].note;
  throw new ProblemError('maintenance', `${registry}/${service} is in maintenance until ${new Date(end).toISOString()}: ${note.en}`, {
    retryAfterSeconds: Math.max(1, Math.ceil((end - t) / 1000)),
    until: new Date(end).toISOString(),
    note,
  });
}

/** Whether the service hours (Tehran time) include this moment. */
export function isWithinHours(hours: ServiceHours, now: Date): boolean {
  if (hours === '24x7') return true;
  const local = DateTime.fromJSDate(now, { zone: NATIONAL_TIME_ZONE });
  // luxon's weekday: 1 = Monday … 7 = Sunday; WEEKDAYS starts on Saturday.
  const day = WEEKDAYS[(local.weekday + 1) % 7];
  const time = local.toFormat('HH:mm');
  return hours.some((span) => span.days.includes(day) && span.from <= time && time < span.until);
}

/** An RFC 3339 date-time with an offset, or a day YYYY-MM-DD taken as its first moment in Tehran; null otherwise. */
export function instantOf(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = DateTime.fromISO(value, { zone: NATIONAL_TIME_ZONE });
    return day.isValid ? day.toJSDate() : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return null;
  const parsed = DateTime.fromISO(value, { setZone: true });
  return parsed.isValid ? parsed.toJSDate() : null;
}
