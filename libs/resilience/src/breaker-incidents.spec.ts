import { BreakerIncidents } from './breaker-incidents';

describe('BreakerIncidents', () => {
  let now = 1_000;
  const clock = () => now;

  beforeEach(() => (now = 1_000));

  it('records an incident from the breaker opening until it closes, a failed probe included', () => {
    const log = new BreakerIncidents(clock);
    log.changed('address', 'closed');
    expect(log.of('address')).toEqual([]);
    log.changed('address', 'open');
    now = 2_000;
    log.changed('address', 'half-open');
    log.changed('address', 'open');
    expect(log.of('address')).toEqual([{ registry: 'address', openedAt: 1_000, closedAt: null }]);
    now = 3_000;
    log.changed('address', 'half-open');
    log.changed('address', 'closed');
    expect(log.of('address')).toEqual([{ registry: 'address', openedAt: 1_000, closedAt: 3_000 }]);
    expect(log.of('identity')).toEqual([]);
  });

  it('lists the newest first and keeps each breaker apart', () => {
    const log = new BreakerIncidents(clock);
    log.observer.state('address', 'open');
    now = 1_500;
    log.observer.state('goods', 'open');
    now = 2_000;
    log.observer.state('address', 'closed');
    now = 5_000;
    log.observer.state('address', 'open');
    expect(log.of('address')).toEqual([
      { registry: 'address', openedAt: 5_000, closedAt: null },
      { registry: 'address', openedAt: 1_000, closedAt: 2_000 },
    ]);
    expect(log.of('goods')).toEqual([{ registry: 'goods', openedAt: 1_500, closedAt: null }]);
  });

  it('keeps at most the last incidents per breaker', () => {
    const log = new BreakerIncidents(clock, { perBreaker: 3, maxAgeMs: 1e9 });
    for (let i = 0; i < 5; i++) {
      now = 1_000 * (i + 1);
      log.changed('vehicle', 'open');
      now += 10;
      log.changed('vehicle', 'closed');
    }
    expect(log.of('vehicle').map((i) => i.openedAt)).toEqual([5_000, 4_000, 3_000]);
  });

  it('forgets closed incidents older than the age limit, never an ongoing one', () => {
    const log = new BreakerIncidents(clock, { perBreaker: 100, maxAgeMs: 10_000 });
    log.changed('identity', 'open');
    now = 2_000;
    log.changed('identity', 'closed');
    log.changed('goods', 'open');
    now = 11_000;
    expect(log.of('identity')).toHaveLength(1);
    now = 12_001;
    expect(log.of('identity')).toEqual([]);
    expect(log.of('goods')).toEqual([{ registry: 'goods', openedAt: 2_000, closedAt: null }]);
  });
});
