import { SampleIdentityChanges, type IdentityChange } from './identity-changes';
import { generateSampleDataset } from './sample-dataset';
import { SampleRegistry } from './sample-registry';

describe('SampleIdentityChanges', () => {
  it('announces person-changed with the key and the day only, for persons the registry holds', async () => {
    const published: IdentityChange[][] = [];
    const changes = new SampleIdentityChanges(new SampleRegistry(generateSampleDataset(7, { persons: 20, companies: 1, addresses: 1, vehicles: 1, goods: 1 })), {
      publish: async (_registry, events) => void published.push(events),
    }, () => 'event-1');
    const [held] = changes.persons(1);
    const events = await changes.emit([held, '0000000000'], '2026-11-30');
    expect(events).toEqual([{ eventId: 'event-1', eventType: 'person-changed', body: { nationalId: held, changedOn: '2026-11-30' } }]);
    expect(published).toEqual([events]);
    expect(await changes.emit(['0000000000'], '2026-11-30')).toEqual([]);
    expect(published).toHaveLength(1);
  });
});
