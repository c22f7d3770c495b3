import { findingRows, FINDING_COLUMNS, type ComplianceFindings } from './compliance';
import { toCsv, type CsvValue } from './csv';
import { nameIn, type ReportLabels } from './labels';
import type { NotificationReportRow } from './notifications';
import { gregorianDateOf, jalaliDateOf, type PeriodBucket } from './period';
import type { Language, UsageKey } from './report-query';
import { SERVICE_LEVEL_COLUMNS, type ServiceLevelRow } from './service-level';
import { USAGE_MEASURES, type UsageRow } from './usage';

/**
 * The CSV of a report holds the JSON rows, column for column, with a name
 * column after each identifier (in the report's language) and the period's
 * first day in both calendars, so that a spreadsheet reads on its own.
 */
function nameOf(key: 'consumer' | 'provider' | 'registry' | 'service', row: { [K in typeof key | 'registry']?: string }, labels: ReportLabels, lang: Language): string {
  const id = row[key] ?? '';
  if (key === 'registry') return nameIn(labels.registries[id], lang, id);
  if (key === 'service') return nameIn(labels.services[`${row.registry}/${id}`], lang, id);
  return nameIn(labels.agencies[id], lang, id);
}

export function usageCsv(rows: readonly UsageRow[], groupBy: readonly UsageKey[], buckets: readonly PeriodBucket[], labels: ReportLabels, lang: Language): string {
  const columns: string[] = [];
  for (const key of groupBy) columns.push(...(key === 'outcome' ? [key] : key === 'period' ? [key, 'period_gregorian', 'period_jalali'] : [key, `${key}_name`]));
  columns.push(...USAGE_MEASURES);
  const bucketOf = new Map(buckets.map((b) => [b.key, b]));
  const records = rows.map((row) => {
    const record: Record<string, CsvValue> = { ...row };
    for (const key of groupBy) {
      if (key === 'period') {
        const bucket = bucketOf.get(row.period!)!;
        record.period_gregorian = gregorianDateOf(bucket.from);
        record.period_jalali = jalaliDateOf(bucket.from);
      } else if (key !== 'outcome') {
        record[`${key}_name`] = nameOf(key, row, labels, lang);
      }
    }
    return record;
  });
  return toCsv(columns, records);
}

export function serviceLevelCsv(rows: readonly ServiceLevelRow[], labels: ReportLabels, lang: Language): string {
  const columns = ['registry', 'registry_name', 'service', 'service_name', 'provider', 'provider_name', ...SERVICE_LEVEL_COLUMNS.slice(3)];
  const records = rows.map((row) => ({
    ...row,
    registry_name: nameOf('registry', row, labels, lang),
    service_name: nameOf('service', row, labels, lang),
    provider_name: nameOf('provider', row, labels, lang),
  }));
  return toCsv(columns, records);
}

export function complianceCsv(findings: ComplianceFindings, labels: ReportLabels, lang: Language): string {
  const records = findingRows(findings).map((row) => ({ ...row, agency_name: nameIn(labels.agencies[String(row.agency ?? '')], lang, String(row.agency ?? '')) }));
  const columns = [FINDING_COLUMNS[0], FINDING_COLUMNS[1], 'agency_name', ...FINDING_COLUMNS.slice(2)];
  return toCsv(columns, records);
}

export const NOTIFICATION_COLUMNS = ['agency', 'agency_name', 'events', 'deliveries', 'sameDay', 'sameDayShare', 'failedAttempts', 'lapsed'] as const;

/** The notification report (issue 14), one row per agency, with its name in the report's language. */
export function notificationCsv(rows: readonly NotificationReportRow[], labels: ReportLabels, lang: Language): string {
  return toCsv(NOTIFICATION_COLUMNS, rows.map((row) => ({ ...row, agency_name: nameIn(labels.agencies[row.agency], lang, row.agency) })));
}
