import type { SqlClient } from '../sql/sql-client';

/** A place where an identifier that was asked about turned up. */
export interface Leak {
  source: string;
  needle: string;
  excerpt: string;
}

export interface Haystack {
  source: string;
  text: string;
}

/**
 * R3 audit: the broker keeps traffic metadata only. Given identifiers that
 * inquiries carried, reports every place (a table row, a log line, a Kafka
 * message) where any of them appears.
 */
export function findLeaks(haystacks: Iterable<Haystack>, needles: readonly string[]): Leak[] {
  const leaks: Leak[] = [];
  for (const { source, text } of haystacks) {
    for (const needle of needles) {
      const at = text.indexOf(needle);
      if (at >= 0) leaks.push({ source, needle, excerpt: text.slice(Math.max(0, at - 40), at + needle.length + 40) });
    }
  }
  return leaks;
}

/**
 * Published service descriptions: their schemas' examples are public documentation the custodian writes (they may
 * show a sample national ID), not content any exchange carried. Their rows, and the audit rows recording them, are
 * left out of the search.
 */
const PUBLISHED_DOCUMENTATION: Record<string, string> = {
  catalogue_service_version: 'false',
  governance_audit: "action NOT LIKE 'catalogue.%'",
};

/** Every row of every table in the database's public schema, partitions included, as text (but published documentation). */
export async function* databaseHaystacks(sql: SqlClient): AsyncGenerator<Haystack> {
  const tables = await sql.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`,
  );
  for (const { name } of tables) {
    // ONLY: a partitioned parent is read through its partitions, each on its own.
    const only = PUBLISHED_DOCUMENTATION[name] ?? 'true';
    const rows = await sql.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM ONLY "${name.replace(/"/g, '""')}" t WHERE ${only}`);
    for (const [i, { row }] of rows.entries()) yield { source: `table ${name} row ${i}`, text: row };
  }
}

export async function findDatabaseLeaks(sql: SqlClient, needles: readonly string[]): Promise<Leak[]> {
  const haystacks: Haystack[] = [];
  for await (const haystack of databaseHaystacks(sql)) haystacks.push(haystack);
  return findLeaks(haystacks, needles);
}
