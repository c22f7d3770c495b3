import { OUTCOMES } from '@nix/domain';
import { isRising, outcomeClass, outcomesOf, serviceLevelOf, serviceLevelRow } from './service-level';

describe('service levels', () => {
  it('puts every outcome in exactly one class, provider failures as outcome.ts defines them', () => {
    expect(outcomesOf('answered')).toEqual(['ok', 'not-found']);
    expect(outcomesOf('refused')).toEqual(['invalid', 'unauthenticated', 'denied', 'over-quota']);
    expect(outcomesOf('provider-failure')).toEqual(['timeout', 'provider-error', 'unavailable']);
    expect(outcomesOf('broker-error')).toEqual(['broker-error']);
    expect(OUTCOMES.map(outcomeClass)).toHaveLength(OUTCOMES.length);
  });

  it('counts availability over relayed inquiries and the error rate over accepted ones; refusals count in neither', () => {
    expect(serviceLevelOf({ answered: 90, refused: 500, providerFailures: 10, brokerErrors: 0 })).toEqual({ availability: 0.9, errorRate: 0.1 });
    expect(serviceLevelOf({ answered: 95, refused: 0, providerFailures: 0, brokerErrors: 5 })).toEqual({ availability: 1, errorRate: 0.05 });
  });

  it('has no figure without traffic to judge', () => {
    expect(serviceLevelOf({ answered: 0, refused: 7, providerFailures: 0, brokerErrors: 0 })).toEqual({ availability: null, errorRate: null });
  });

  it('calls an error rate rising when it grew by five points or more, with at least ten accepted exchanges', () => {
    const calm = { answered: 99, refused: 0, providerFailures: 1, brokerErrors: 0 };
    expect(isRising({ answered: 95, refused: 0, providerFailures: 5, brokerErrors: 0 }, calm)).toBe(false);
    expect(isRising({ answered: 94, refused: 0, providerFailures: 6, brokerErrors: 0 }, calm)).toBe(true);
    expect(isRising({ answered: 5, refused: 0, providerFailures: 4, brokerErrors: 0 }, calm)).toBe(false);
    expect(isRising({ answered: 0, refused: 0, providerFailures: 10, brokerErrors: 0 }, { answered: 0, refused: 3, providerFailures: 0, brokerErrors: 0 })).toBe(true);
  });

  it('estimates latency percentiles from the relayed exchanges only', () => {
    const row = serviceLevelRow(
      {
        registry: 'identity',
        service: 'person',
        provider: 'civil-registration',
        counts: { answered: 8, refused: 3, providerFailures: 2, brokerErrors: 0 },
        relayed: { histogram: [0, 10, 0], sumMs: 15, minMs: 1, maxMs: 2 },
      },
      [1, 2],
    );
    expect(row).toEqual({
      registry: 'identity',
      service: 'person',
      provider: 'civil-registration',
      exchanges: 13,
      answered: 8,
      refused: 3,
      providerFailures: 2,
      brokerErrors: 0,
      availability: 0.8,
      errorRate: 0.2,
      latencyP50Ms: 1.5,
      latencyP95Ms: 1.95,
      latencyP99Ms: 1.99,
      latencyMinMs: 1,
      latencyMeanMs: 1.5,
      latencyMaxMs: 2,
    });
  });
});
