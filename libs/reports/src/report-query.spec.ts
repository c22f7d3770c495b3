import type { ProblemError } from '@nix/domain';
import { formatOf, parseComplianceQuery, parseGroupBy, parseUsageQuery } from './report-query';

const NOW = Date.parse('2026-11-23T10:00:00Z');

function pointerOf(run: () => unknown): { status: number; pointer: string } {
  try {
    run();
  } catch (error) {
    const problem = error as ProblemError;
    return { status: problem.status, pointer: problem.extras.errors![0].pointer };
  }
  throw new Error('expected a problem');
}

describe('report query parameters', () => {
  it('reads groupBy as any subset of the keys, in any order, comma-separated or repeated', () => {
    expect(parseGroupBy('outcome,service,consumer')).toEqual(['outcome', 'service', 'consumer']);
    expect(parseGroupBy(['period', 'registry,provider'])).toEqual(['period', 'registry', 'provider']);
    expect(parseGroupBy(undefined)).toEqual([]);
  });

  it('defaults to today, by hour, with up to 10000 rows, in Persian', () => {
    const query = parseUsageQuery({ groupBy: 'consumer' }, NOW);
    expect(query).toMatchObject({ groupBy: ['consumer'], interval: 'hour', limit: 10000, lang: 'fa', filters: {} });
    expect(query.period.key).toBe('day:2026-11-23');
    expect(parseUsageQuery({ period: 'jalali-quarter' }, NOW).interval).toBe('day');
  });

  it('reads the filters', () => {
    const query = parseUsageQuery({ consumer: 'tax-organization', registry: 'identity', service: 'person', outcome: 'over-quota', provider: 'civil-registration' }, NOW);
    expect(query.filters).toEqual({ consumer: 'tax-organization', registry: 'identity', service: 'person', outcome: 'over-quota', provider: 'civil-registration' });
  });

  it.each([
    [{ groupBy: 'consumer,agency' }, 'query:groupBy'],
    [{ groupBy: 'consumer,consumer' }, 'query:groupBy'],
    [{ outcome: 'maybe' }, 'query:outcome'],
    [{ consumer: "x' OR 1=1" }, 'query:consumer'],
    [{ consumer: '' }, 'query:consumer'],
    [{ limit: '0' }, 'query:limit'],
    [{ limit: '50001' }, 'query:limit'],
    [{ limit: '1e3' }, 'query:limit'],
    [{ interval: 'week' }, 'query:interval'],
    [{ lang: 'de' }, 'query:lang'],
    [{ period: ['day', 'month'] }, 'query:period'],
    [{ groupby: 'consumer' }, 'query:groupby'],
    [{ from: '2026-13-01', to: '2026-11-23' }, 'query:from'],
  ])('refuses %j with a 400 naming %s', (query, pointer) => {
    expect(pointerOf(() => parseUsageQuery(query, NOW))).toEqual({ status: 400, pointer });
  });

  it('bounds the expiry horizon of the compliance report', () => {
    expect(parseComplianceQuery({}, NOW).expiresWithinDays).toBe(30);
    expect(parseComplianceQuery({ expiresWithinDays: '90' }, NOW).expiresWithinDays).toBe(90);
    expect(pointerOf(() => parseComplianceQuery({ expiresWithinDays: '400' }, NOW))).toEqual({ status: 400, pointer: 'query:expiresWithinDays' });
    expect(pointerOf(() => parseComplianceQuery({ groupBy: 'consumer' }, NOW))).toEqual({ status: 400, pointer: 'query:groupBy' });
  });

  it('chooses CSV by format=csv or by Accept: text/csv, format first', () => {
    const csv = { csv: /\btext\/csv\b/ };
    expect(formatOf({}, undefined, ['json', 'csv'], csv)).toBe('json');
    expect(formatOf({}, 'text/csv', ['json', 'csv'], csv)).toBe('csv');
    expect(formatOf({ format: 'csv' }, 'application/json', ['json', 'csv'], csv)).toBe('csv');
    expect(formatOf({ format: 'json' }, 'text/csv', ['json', 'csv'], csv)).toBe('json');
    expect(pointerOf(() => formatOf({ format: 'xlsx' }, undefined, ['json', 'csv'], csv))).toEqual({ status: 400, pointer: 'query:format' });
  });
});
