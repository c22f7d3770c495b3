import { eventConsumerReadiness } from './notification-events';

describe('eventConsumerReadiness', () => {
  it('reports each registry\'s event consumer, up while all are in their group', () => {
    expect(eventConsumerReadiness({ identity: true })).toEqual({ up: true, details: { consumers: { identity: 'running' } } });
  });

  it('reports a consumer out of its group as degraded, not unready: its events wait on the topic', () => {
    expect(eventConsumerReadiness({ vehicle: false, identity: false, goods: true })).toEqual({
      up: true,
      details: { consumers: { vehicle: 'not in its group', identity: 'not in its group', goods: 'running' }, degraded: true, notRunning: ['identity', 'vehicle'] },
    });
  });
});
