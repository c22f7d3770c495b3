import { registryConditionsOf } from './registry-conditions';

describe('registryConditionsOf', () => {
  it('reads breakers per scope, adapter counts and the transport from readiness reports', () => {
    const conditions = registryConditionsOf(
      {
        transport: { up: true, details: { kind: 'kafka' } },
        adapters: { up: true, details: { instances: { identity: 2, goods: 0 }, degraded: true, noAdapter: ['goods'] } },
        breakers: { up: true, details: { states: { 'broker:identity': 'half-open', 'adapter:identity': 'open', 'broker:goods': 'closed' } } },
      },
      ['identity', 'goods'],
    );
    expect(conditions).toEqual({
      identity: { breaker: 'half-open', adapterBreaker: 'open', adapters: 2, transportUp: true },
      goods: { breaker: 'closed', adapterBreaker: null, adapters: 0, transportUp: true },
    });
  });

  it('leaves what a report does not say unknown: adapters uncounted, breakers closed', () => {
    const conditions = registryConditionsOf(
      { transport: { up: false, details: { reason: 'not connected' } }, adapters: { up: true, details: { degraded: true, reason: 'cannot list adapters' } } },
      ['address'],
    );
    expect(conditions.address).toEqual({ breaker: 'closed', adapterBreaker: null, adapters: null, transportUp: false });
    expect(registryConditionsOf({}, ['address']).address).toEqual({ breaker: 'closed', adapterBreaker: null, adapters: null, transportUp: true });
  });

  it('ignores a breaker state it does not know', () => {
    const conditions = registryConditionsOf({ breakers: { up: true, details: { states: { 'broker:vehicle': 'melted' } } } }, ['vehicle']);
    expect(conditions.vehicle.breaker).toBe('closed');
  });
});
