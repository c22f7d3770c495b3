/**
 * CSV as spreadsheets open it (RFC 4180): a UTF-8 byte order mark, so that
 * Persian names survive, CRLF line ends, and fields quoted when they hold a
 * comma, a quote or a line break. Text that a spreadsheet would run as a
 * formula (=, +, -, @ first) is prefixed with an apostrophe.
 */
export const UTF8_BOM = '\uFEFF';

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns: readonly string[], rows: readonly Record<string, CsvValue>[]): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvField(row[column])).join(','));
  return UTF8_BOM + lines.join('\r\n') + '\r\n';
}
