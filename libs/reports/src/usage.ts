import type { PeriodBucket } from './period';
import type { UsageKey } from './report-query';
import { round } from './service-level';

/** What the rollups add up for a group of exchanges. */
export interface RollupSums {
  exchanges: number;
  /** Exchanges the registry answered (ok, not-found). */
  answered: number;
  totalMsSum: number;
  totalMsMin: number | null;
  totalMsMax: number | null;
  requestBytesSum: number;
  requestBytesMin: number | null;
  requestBytesMax: number | null;
  responseBytesSum: number;
  responseBytesMin: number | null;
  responseBytesMax: number | null;
}

/** The measures of a usage row, after X-Road Metrics: succeeded and failed queries, duration and sizes. */
export interface UsageMeasures {
  count: number;
  succeeded: number;
  failed: number;
  durationMinMs: number | null;
  durationMeanMs: number | null;
  durationMaxMs: number | null;
  requestBytesMin: number | null;
  requestBytesMean: number | null;
  requestBytesMax: number | null;
  responseBytesMin: number | null;
  responseBytesMean: number | null;
  responseBytesMax: number | null;
}

export const USAGE_MEASURES: readonly (keyof UsageMeasures)[] = [
  'count',
  'succeeded',
  'failed',
  'durationMinMs',
  'durationMeanMs',
  'durationMaxMs',
  'requestBytesMin',
  'requestBytesMean',
  'requestBytesMax',
  'responseBytesMin',
  'responseBytesMean',
  'responseBytesMax',
];

export type UsageRow = Partial<Record<UsageKey, string>> & UsageMeasures;

export const EMPTY_SUMS: RollupSums = {
  exchanges: 0,
  answered: 0,
  totalMsSum: 0,
  totalMsMin: null,
  totalMsMax: null,
  requestBytesSum: 0,
  requestBytesMin: null,
  requestBytesMax: null,
  responseBytesSum: 0,
  responseBytesMin: null,
  responseBytesMax: null,
};

const least = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));
const greatest = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

export function addSums(a: RollupSums, b: RollupSums): RollupSums {
  return {
    exchanges: a.exchanges + b.exchanges,
    answered: a.answered + b.answered,
    totalMsSum: a.totalMsSum + b.totalMsSum,
    totalMsMin: least(a.totalMsMin, b.totalMsMin),
    totalMsMax: greatest(a.totalMsMax, b.totalMsMax),
    requestBytesSum: a.requestBytesSum + b.requestBytesSum,
    requestBytesMin: least(a.requestBytesMin, b.requestBytesMin),
    requestBytesMax: greatest(a.requestBytesMax, b.requestBytesMax),
    responseBytesSum: a.responseBytesSum + b.responseBytesSum,
    responseBytesMin: least(a.responseBytesMin, b.responseBytesMin),
    responseBytesMax: greatest(a.responseBytesMax, b.responseBytesMax),
  };
}

export const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const ms = (value: number | null) => (value === null ? null : round(value, 3));

export function measuresOf(sums: RollupSums): UsageMeasures {
  const n = sums.exchanges;
  const mean = (sum: number, digits: number) => (n > 0 ? round(sum / n, digits) : null);
  return {
    count: n,
    succeeded: sums.answered,
    failed: n - sums.answered,
    durationMinMs: ms(sums.totalMsMin),
    durationMeanMs: mean(sums.totalMsSum, 3),
    durationMaxMs: ms(sums.totalMsMax),
    requestBytesMin: sums.requestBytesMin,
    requestBytesMean: mean(sums.requestBytesSum, 1),
    requestBytesMax: sums.requestBytesMax,
    responseBytesMin: sums.responseBytesMin,
    responseBytesMean: mean(sums.responseBytesSum, 1),
    responseBytesMax: sums.responseBytesMax,
  };
}

/** The grouped keys as the report uses them: service brings its registry along. */
export function effectiveGroupBy(groupBy: readonly UsageKey[]): UsageKey[] {
  if (!groupBy.includes('service') || groupBy.includes('registry')) return [...groupBy];
  const keys = [...groupBy];
  keys.splice(keys.indexOf('service'), 0, 'registry');
  return keys;
}

/** A group as the repository answers it: the grouped keys (period as a bucket number from 1) and the sums. */
export interface UsageGroup {
  keys: Partial<Record<Exclude<UsageKey, 'period'>, string>> & { bucket?: number };
  sums: RollupSums;
}

export interface UsageTable {
  rows: UsageRow[];
  totals: UsageMeasures;
  truncated: boolean;
}

/**
 * Rows with only the grouped keys and the measures, in period order, then
 * the busiest first, then by key; at most limit rows, the totals over all.
 */
export function usageTable(groups: readonly UsageGroup[], groupBy: readonly UsageKey[], buckets: readonly PeriodBucket[], limit: number): UsageTable {
  let total = EMPTY_SUMS;
  const ordered = groups.map((group) => {
    total = addSums(total, group.sums);
    const row: Partial<Record<UsageKey, string>> = {};
    for (const key of groupBy) row[key] = key === 'period' ? buckets[group.keys.bucket! - 1].key : group.keys[key];
    return { bucket: group.keys.bucket ?? 0, row: { ...row, ...measuresOf(group.sums) } };
  });
  const keyed = groupBy.filter((k) => k !== 'period');
  ordered.sort(
    (a, b) =>
      a.bucket - b.bucket ||
      b.row.count - a.row.count ||
      keyed.reduce((order, key) => order || compareText(a.row[key] ?? '', b.row[key] ?? ''), 0),
  );
  const rows = ordered.map((o) => o.row);
  return { rows: rows.slice(0, limit), totals: measuresOf(total), truncated: rows.length > limit };
}
