import { mergeCounts, percentile } from './latency';

const BOUNDS = [1, 2, 3, 5, 10];

describe('percentiles from a latency histogram', () => {
  it('interpolates within the bucket that holds the rank', () => {
    // Ten exchanges in (1, 2] ms and ten in (2, 3] ms.
    const histogram = { bounds: BOUNDS, counts: [0, 10, 10, 0, 0, 0] };
    expect(percentile(histogram, 0.5)).toBe(2);
    expect(percentile(histogram, 0.95)).toBeCloseTo(2.9, 10);
    expect(percentile(histogram, 0.25)).toBeCloseTo(1.5, 10);
  });

  it('narrows a bucket to the observed minimum and maximum', () => {
    // All ten in (5, 10], observed from 6 to 8 ms.
    const histogram = { bounds: BOUNDS, counts: [0, 0, 0, 0, 10, 0], min: 6, max: 8 };
    expect(percentile(histogram, 0.5)).toBe(7);
    expect(percentile(histogram, 1)).toBe(8);
  });

  it('places the overflow bucket between the last bound and the observed maximum', () => {
    const histogram = { bounds: BOUNDS, counts: [0, 0, 0, 0, 0, 4], max: 30 };
    expect(percentile(histogram, 0.5)).toBe(20);
    expect(percentile(histogram, 0.99)).toBeCloseTo(29.8, 10);
  });

  it('answers a single exchange with its own latency when min and max are known', () => {
    expect(percentile({ bounds: BOUNDS, counts: [0, 0, 1, 0, 0, 0], min: 2.4, max: 2.4 }, 0.99)).toBe(2.4);
  });

  it('answers null for an empty histogram and refuses nonsense', () => {
    expect(percentile({ bounds: BOUNDS, counts: [0, 0, 0, 0, 0, 0] }, 0.5)).toBeNull();
    expect(() => percentile({ bounds: BOUNDS, counts: [1, 0] }, 0.5)).toThrow(/needs 6 counts/);
    expect(() => percentile({ bounds: BOUNDS, counts: [1, 0, 0, 0, 0, 0] }, 0)).toThrow(RangeError);
    expect(() => percentile({ bounds: BOUNDS, counts: [1, 0, 0, 0, 0, 0] }, 1.5)).toThrow(RangeError);
  });

  it('is monotonic in q', () => {
    const histogram = { bounds: BOUNDS, counts: [3, 1, 4, 1, 5, 9], min: 0.2, max: 40 };
    const values = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1].map((q) => percentile(histogram, q)!);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    expect(values[values.length - 1]).toBe(40);
  });

  it('merges histograms bucket by bucket', () => {
    expect(mergeCounts([1, 2, 3], [10, 20, 30])).toEqual([11, 22, 33]);
  });
});
