import type { SqlClient } from './sql-client';

/** One row of the append-only governance_audit log: who changed what, when, and the value before and after. */
export interface AuditRecord {
  actor: string;
  at: Date;
  action: string;
  subject: string;
  before: unknown;
  after: unknown;
}

/** The parameters of an audit row, typed so that they can stand in an INSERT … SELECT, from $first on. */
export const auditValues = (first: number) =>
  `$${first}::text, $${first + 1}::timestamptz, $${first + 2}::text, $${first + 3}::text, $${first + 4}::jsonb, $${first + 5}::jsonb`;

export const auditParams = (entry: AuditRecord) => [entry.actor, entry.at.toISOString(), entry.action, entry.subject, JSON.stringify(entry.before ?? null), JSON.stringify(entry.after ?? null)];

/**
 * One change as one statement: `change` (an INSERT or UPDATE … RETURNING) applies only if its guard holds, and its
 * audit row, with `also` (statements over the CTE `changed`), goes in with it or not at all. Answers whether it applied.
 */
export async function auditedChange(sql: SqlClient, change: string, params: unknown[], entry: AuditRecord, also: string[] = []): Promise<boolean> {
  const rows = await sql.query<{ n: number }>(
    `WITH changed AS (${change}), ${also.map((statement, i) => `also_${i} AS (${statement}), `).join('')}audited AS (
       INSERT INTO governance_audit (actor, at, action, subject, before, after) SELECT ${auditValues(params.length + 1)} FROM changed)
     SELECT count(*)::int AS n FROM changed`,
    [...params, ...auditParams(entry)],
  );
  return rows[0].n === 1;
}
