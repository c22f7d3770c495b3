import { AdapterPresence, type AdapterLookup } from './adapter-presence';

const CLOCK = { now: () => Date.now() };
const SETTINGS = { refreshIntervalMs: 60_000, minRefreshGapMs: 50, missWaitMs: 1000 };
const IDENTITY = 'inquiry.identity.v1';
const VEHICLE = 'inquiry.vehicle.v1';

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
  let groups: FakeGroups;
  let presence: AdapterPresence;

  beforeEach(() => {
    groups = new FakeGroups();
    presence = new AdapterPresence([IDENTITY, VEHICLE], groups.lookup, CLOCK, SETTINGS);
  });
  afterEach(() => presence.stop());

  it('serves an address with a member, refuses one without after a fresh look', async () => {
    groups.members = { [IDENTITY]: 2 };
    await presence.refresh();
    expect(await presence.isServed(IDENTITY)).toBe(true);
    expect(await presence.isServed(VEHICLE)).toBe(false);
    expect(presence.view()).toEqual({ [IDENTITY]: 2, [VEHICLE]: 0 });
  });

  it('counts everything as served until a look has succeeded, and again while looks fail', async () => {
    expect(await presence.isServed(VEHICLE)).toBe(true);
    await presence.refresh();
    expect(await presence.isServed(VEHICLE)).toBe(false);
    groups.failing = true;
    await presence.refresh();
    expect(presence.view()).toBeNull();
    expect(await presence.isServed(VEHICLE)).toBe(true);
  });

  it('never refuses on a look older than the inquiry: an adapter that has just joined is served at once', async () => {
    await presence.refresh();
    groups.members = { [VEHICLE]: 1 };
    // No time passes: the view says none, yet the answer comes from a new look.
    expect(await presence.isServed(VEHICLE)).toBe(true);
  });

  it('bounds the looks a stream of misses makes: one at a time, one per gap', async () => {
    await presence.refresh();
    const before = groups.calls;
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 200 }, () => presence.isServed(VEHICLE)));
    expect(answers.every((a) => a === false)).toBe(true);
    expect(groups.calls - before).toBeLessThanOrEqual(1 + Math.ceil((Date.now() - started) / SETTINGS.minRefreshGapMs));
    expect(groups.calls - before).toBeGreaterThanOrEqual(1);
  });

  it('sends after all when no fresh look comes within missWaitMs', async () => {
    const impatient = new AdapterPresence([VEHICLE], groups.lookup, CLOCK, { ...SETTINGS, missWaitMs: 30 });
    await impatient.refresh();
    groups.delayMs = 500;
    expect(await impatient.isServed(VEHICLE)).toBe(true);
    await impatient.refresh();
  });

  it('refreshes in the background once started', async () => {
    const background = new AdapterPresence([VEHICLE], groups.lookup, CLOCK, { ...SETTINGS, refreshIntervalMs: 20 });
    background.start();
    groups.members = { [VEHICLE]: 3 };
    await new Promise((resolve) => setTimeout(resolve, 100));
    background.stop();
    expect(background.view()).toEqual({ [VEHICLE]: 3 });
  });
});
