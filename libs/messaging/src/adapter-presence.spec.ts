import { AdapterPresence, type AdapterLookup } from './adapter-presence';

const SETTINGS = { refreshIntervalMs: 60_000, minRefreshGapMs: 250, missWaitMs: 1000 };

/** A lookup answering from a table the test changes, counting its calls. */
class FakeGroups {
  members: Record<string, number> = {};
  failing = false;
  calls = 0;
  delayMs = 0;
  readonly lookup: AdapterLookup = async (addresses) => {
    this.calls++;
    if (this.delayMs) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (this.failing) throw new Error('Kafka is away');
    return Object.fromEntries(addresses.map((a) => [a, this.members[a] ?? 0]));
  };
}

describe('AdapterPresence', () => {
  let clock = 0;
  const now = () => clock;
  let groups: FakeGroups;
  let presence: AdapterPresence;

  beforeEach(() => {
    clock = 1_000_000;
    groups = new FakeGroups();
    presence = new AdapterPresence(['inquiry.identity.v1', 'inquiry.vehicle.v1'], groups.lookup, SETTINGS, now);
  });
  afterEach(() => presence.stop());

  it('serves an address with a member, refuses one without after a fresh look', async () => {
    groups.members = { 'inquiry.identity.v1': 2 };
    await presence.refresh();
    expect(await presence.isServed('inquiry.identity.v1')).toBe(true);
    expect(await presence.isServed('inquiry.vehicle.v1')).toBe(false);
    expect(presence.view()).toEqual({ 'inquiry.identity.v1': 2, 'inquiry.vehicle.v1': 0 });
  });

  it('counts everything as served until a look has succeeded, and again while looks fail', async () => {
    expect(await presence.isServed('inquiry.vehicle.v1')).toBe(true);
    await presence.refresh();
    expect(await presence.isServed('inquiry.vehicle.v1')).toBe(false);
    groups.failing = true;
    clock += 1000;
    await presence.refresh();
    expect(presence.view()).toBeNull();
    expect(await presence.isServed('inquiry.vehicle.v1')).toBe(true);
  });

  it('looks again on a miss, so an adapter that has just joined is served at once', async () => {
    await presence.refresh();
    groups.members = { 'inquiry.vehicle.v1': 1 };
    clock += 300;
    expect(await presence.isServed('inquiry.vehicle.v1')).toBe(true);
  });

  it('bounds the looks a stream of misses makes', async () => {
    await presence.refresh();
    const before = groups.calls;
    for (let i = 0; i < 50; i++) expect(await presence.isServed('inquiry.vehicle.v1')).toBe(false);
    expect(groups.calls).toBe(before);
    clock += 250;
    await Promise.all(Array.from({ length: 50 }, () => presence.isServed('inquiry.vehicle.v1')));
    expect(groups.calls).toBe(before + 1);
  });

  it('does not wait longer than missWaitMs for a slow look', async () => {
    const fast = new AdapterPresence(['inquiry.vehicle.v1'], groups.lookup, { ...SETTINGS, missWaitMs: 20 }, now);
    await fast.refresh();
    groups.delayMs = 1500;
    clock += 1000;
    const started = Date.now();
    expect(await fast.isServed('inquiry.vehicle.v1')).toBe(false);
    expect(Date.now() - started).toBeLessThan(1400);
    await fast.refresh();
  });
});
