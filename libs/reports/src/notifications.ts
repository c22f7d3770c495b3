import type { ReportScope } from './report-scope';

/** An agency's notification traffic in a period (issue 14): events it published, deliveries it received. */
export interface NotificationReportRow {
  agency: string;
  /** Events published (the agency as a registry's custodian). */
  events: number;
  /** Notifications delivered to it (acknowledged by pull, or accepted by its webhook). */
  deliveries: number;
  /** Of those, delivered the Tehran day their event was published (R18). */
  sameDay: number;
  /** Webhook attempts that failed (timeout, http-4xx/5xx, refused address, ...): not deliveries, tried again until delivered or lapsed. */
  failedAttempts: number;
  /** sameDay / deliveries, or null when there were none. */
  sameDayShare: number | null;
  /** Notifications dropped unacknowledged after retention, on days of the period. */
  lapsed: number;
}

/**
 * One row per agency the caller may see (the working group: all; another agency: its own), with the same-day share.
 * Counts and lapses come from the notification tables (metadata only).
 */
export function notificationRows(
  counts: readonly { agency: string; events: number; deliveries: number; sameDay: number; failedAttempts: number }[],
  lapses: readonly { agency: string; expired: number }[],
  scope: ReportScope,
): NotificationReportRow[] {
  const rows = new Map<string, NotificationReportRow>();
  const row = (agency: string) => rows.get(agency) ?? rows.set(agency, { agency, events: 0, deliveries: 0, sameDay: 0, failedAttempts: 0, sameDayShare: null, lapsed: 0 }).get(agency)!;
  for (const c of counts) Object.assign(row(c.agency), { events: c.events, deliveries: c.deliveries, sameDay: c.sameDay, failedAttempts: c.failedAttempts });
  for (const l of lapses) row(l.agency).lapsed = l.expired;
  return [...rows.values()]
    .filter((r) => scope.all || r.agency === scope.agency)
    .map((r) => ({ ...r, sameDayShare: r.deliveries > 0 ? Math.round((r.sameDay / r.deliveries) * 10_000) / 10_000 : null }))
    .sort((a, b) => a.agency.localeCompare(b.agency));
}
