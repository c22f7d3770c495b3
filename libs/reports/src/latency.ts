/**
 * Latency percentiles estimated from the rollups' histograms. Bucket i holds
 * the exchanges with bounds[i-1] < ms <= bounds[i] (the first from 0, the
 * last one beyond the last bound, up to the observed maximum). Within a
 * bucket, exchanges are taken as spread evenly, and the observed minimum and
 * maximum narrow the first and last buckets.
 */
export interface Histogram {
  bounds: readonly number[];
  /** bounds.length + 1 counts. */
  counts: readonly number[];
  /** Smallest and largest value observed, when known. */
  min?: number;
  max?: number;
}

export function histogramTotal(counts: readonly number[]): number {
  return counts.reduce((sum, n) => sum + n, 0);
}

/** The q-quantile (0 < q <= 1), or null for an empty histogram. */
export function percentile(histogram: Histogram, q: number): number | null {
  if (!(q > 0 && q <= 1)) throw new RangeError(`a percentile needs 0 < q <= 1, not ${q}`);
  const { bounds, counts } = histogram;
  if (counts.length !== bounds.length + 1) throw new RangeError(`a histogram over ${bounds.length} bounds needs ${bounds.length + 1} counts, not ${counts.length}`);
  const total = histogramTotal(counts);
  if (total === 0) return null;
  const floor = histogram.min ?? 0;
  const ceiling = histogram.max ?? bounds[bounds.length - 1];
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i];
    if (count > 0 && below + count >= rank) {
      const lower = Math.max(i === 0 ? 0 : bounds[i - 1], floor);
      const upper = Math.min(i < bounds.length ? bounds[i] : Math.max(ceiling, bounds[bounds.length - 1]), ceiling);
      const value = lower + (Math.max(upper, lower) - lower) * ((rank - below) / count);
      return Math.min(Math.max(value, floor), ceiling);
    }
    below += count;
  }
  return ceiling;
}

/** Adds histograms over the same bounds. */
export function mergeCounts(a: readonly number[], b: readonly number[]): number[] {
  const length = Math.max(a.length, b.length);
  return Array.from({ length }, (_, i) => (a[i] ?? 0) + (b[i] ?? 0));
}
