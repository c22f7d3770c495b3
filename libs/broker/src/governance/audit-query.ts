import { ProblemError } from '@nix/domain';
import { toCsv } from '@nix/reports';
import type { AuditQuery, NumberedAuditEntry } from '@nix/governance';

export const AUDIT_PAGE_DEFAULT = 100;
export const AUDIT_PAGE_MAX = 10_000;
const PARAMETERS = ['subject', 'actor', 'after', 'limit', 'format'];
// eslint-disable-next-line no-control-regex -- what the store cannot hold (NUL) and no subject contains
const CONTROL = /[\u0000-\u001F\u007F]/;

export interface ParsedAuditQuery extends AuditQuery {
  format: 'json' | 'csv';
}

const invalid = (name: string, detail: string) =>
  new ProblemError('invalid-request', `The query parameter ${name} ${detail}.`, { errors: [{ pointer: `query:${name}`, detail }] });

/** GET /v1/audit's query: subject and actor filters, paging by `after` (a seq) and `limit`, and the format. */
export function parseAuditQuery(raw: Record<string, unknown>, accept: string | undefined): ParsedAuditQuery {
  const unknown = Object.keys(raw).find((name) => !PARAMETERS.includes(name));
  if (unknown !== undefined) throw invalid(unknown, `is not a parameter of the audit log (it takes: ${PARAMETERS.join(', ')})`);
  const single = (name: string): string | undefined => {
    const value = raw[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length === 0 || value.length > 300 || CONTROL.test(value)) throw invalid(name, 'must be given once, 1 to 300 characters, no control characters');
    return value;
  };
  const whole = (name: string, min: number, max: number): number | undefined => {
    const value = single(name);
    if (value === undefined) return undefined;
    if (!/^\d{1,15}$/.test(value) || +value < min || +value > max) throw invalid(name, `must be a whole number from ${min} to ${max}`);
    return +value;
  };
  const format = single('format');
  if (format !== undefined && format !== 'json' && format !== 'csv') throw invalid('format', 'must be one of: json, csv');
  return {
    subject: single('subject'),
    actor: single('actor'),
    after: whole('after', 0, Number.MAX_SAFE_INTEGER),
    limit: whole('limit', 1, AUDIT_PAGE_MAX) ?? AUDIT_PAGE_DEFAULT,
    format: format ?? (/\btext\/csv\b/i.test(accept ?? '') ? 'csv' : 'json'),
  };
}

export const AUDIT_CSV_COLUMNS = ['seq', 'at', 'actor', 'action', 'subject', 'before', 'after'] as const;

/** The audit log as CSV (RFC 4180, see toCsv); before and after are their JSON text. */
export function auditCsv(entries: readonly NumberedAuditEntry[]): string {
  return toCsv(
    AUDIT_CSV_COLUMNS,
    entries.map((e) => ({ seq: e.seq, at: e.at.toISOString(), actor: e.actor, action: e.action, subject: e.subject, before: JSON.stringify(e.before), after: JSON.stringify(e.after) })),
  );
}
