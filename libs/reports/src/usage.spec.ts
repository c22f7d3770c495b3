import { EMPTY_SUMS, effectiveGroupBy, usageTable, type RollupSums } from './usage';

const sums = (exchanges: number, answered: number, totalMsSum: number): RollupSums => ({
  ...EMPTY_SUMS,
  exchanges,
  answered,
  totalMsSum,
  totalMsMin: 1.0000000149,
  totalMsMax: 9.5,
  requestBytesSum: exchanges * 100,
  requestBytesMin: 100,
  requestBytesMax: 100,
  responseBytesSum: exchanges * 10,
  responseBytesMin: 0,
  responseBytesMax: 20,
});

describe('usage tables', () => {
  it('groups service with its registry, since a service name is unique only within its registry', () => {
    expect(effectiveGroupBy(['consumer', 'service', 'outcome'])).toEqual(['consumer', 'registry', 'service', 'outcome']);
    expect(effectiveGroupBy(['service', 'registry'])).toEqual(['service', 'registry']);
  });

  it('carries only the grouped keys and the measures, busiest first, totals over every row', () => {
    const table = usageTable(
      [
        { keys: { consumer: 'a', outcome: 'ok' }, sums: sums(2, 2, 4) },
        { keys: { consumer: 'b', outcome: 'denied' }, sums: sums(5, 0, 5) },
      ],
      ['consumer'],
      [],
      10,
    );
    expect(table.rows).toEqual([
      { consumer: 'b', count: 5, succeeded: 0, failed: 5, durationMinMs: 1, durationMeanMs: 1, durationMaxMs: 9.5, requestBytesMin: 100, requestBytesMean: 100, requestBytesMax: 100, responseBytesMin: 0, responseBytesMean: 10, responseBytesMax: 20 },
      { consumer: 'a', count: 2, succeeded: 2, failed: 0, durationMinMs: 1, durationMeanMs: 2, durationMaxMs: 9.5, requestBytesMin: 100, requestBytesMean: 100, requestBytesMax: 100, responseBytesMin: 0, responseBytesMean: 10, responseBytesMax: 20 },
    ]);
    expect(table.totals).toMatchObject({ count: 7, succeeded: 2, failed: 5, durationMeanMs: 1.286 });
    expect(table.truncated).toBe(false);
  });

  it('orders by period first, names periods by their bucket, and cuts at the limit', () => {
    const buckets = [
      { key: '1405-08', from: 0, to: 1 },
      { key: '1405-09', from: 1, to: 2 },
    ];
    const table = usageTable(
      [
        { keys: { bucket: 2 }, sums: sums(9, 9, 9) },
        { keys: { bucket: 1 }, sums: sums(1, 1, 1) },
      ],
      ['period'],
      buckets,
      1,
    );
    expect(table.rows.map((r) => [r.period, r.count])).toEqual([['1405-08', 1]]);
    expect(table.truncated).toBe(true);
    expect(table.totals.count).toBe(10);
  });
});
