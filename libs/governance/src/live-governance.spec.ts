import type { Agency } from '@nix/domain';
import type { GovernanceState } from './governance-snapshot';
import { bootstrappedFirst, LiveGovernance, type GovernanceSource } from './live-governance';

const agency = (id: string, demo = false): Agency => ({ id, name: { fa: id, en: id }, roles: ['consumer'], demo });
const stateAt = (version: number, ...agencies: Agency[]): GovernanceState => ({ version, agencies, apiKeys: [], agreements: [] });

/** A store whose state the spec sets, counting what is read. */
class FakeSource implements GovernanceSource {
  state$: GovernanceState = stateAt(1, agency('tax'));
  failure: Error | null = null;
  versionReads = 0;
  stateReads = 0;
  async stateVersion(): Promise<number> {
    this.versionReads++;
    if (this.failure) throw this.failure;
    return this.state$.version;
  }
  async state(): Promise<GovernanceState> {
    this.stateReads++;
    if (this.failure) throw this.failure;
    return this.state$;
  }
}

describe('LiveGovernance', () => {
  it('reads the state, and reads it again only when the version moved', async () => {
    const source = new FakeSource();
    const live = new LiveGovernance(source, { production: false, pollMs: 0 });
    expect(live.current).toBeNull();
    await live.refresh();
    expect(live.current!.version).toBe(1);
    await live.refresh();
    expect(source.stateReads).toBe(1);
    source.state$ = stateAt(2, agency('tax'), agency('police'));
    await live.refresh();
    expect([live.current!.version, live.current!.agencies.map((a) => a.id)]).toEqual([2, ['tax', 'police']]);
  });

  it('keeps the last snapshot when the store fails, and reports the failure until it answers again', async () => {
    const source = new FakeSource();
    const errors: string[] = [];
    const live = new LiveGovernance(source, { production: false, pollMs: 0, onError: (e) => errors.push(e.message) }, () => 5);
    await live.refresh();
    source.failure = new Error('connection refused');
    await live.refresh();
    expect(live.current!.version).toBe(1);
    expect(live.status()).toEqual({ loaded: true, version: 1, loadedAt: 5, failure: { at: 5, message: 'connection refused' } });
    source.failure = null;
    await live.refresh();
    expect([errors, live.status().failure]).toEqual([['connection refused'], null]);
  });

  it('sees a change committed while a reload runs: calls during it share one more reload', async () => {
    const source = new FakeSource();
    const live = new LiveGovernance(source, { production: false, pollMs: 0 });
    await live.refresh();
    source.state$ = stateAt(2, agency('tax'));
    const first = live.refresh();
    source.state$ = stateAt(3, agency('tax'));
    const second = live.refresh();
    const third = live.refresh();
    expect(second).toBe(third);
    await Promise.all([first, second, third]);
    expect(live.current!.version).toBe(3);
  });

  it('polls the version on its own once started, and stops', async () => {
    jest.useFakeTimers();
    try {
      const source = new FakeSource();
      const live = new LiveGovernance(source, { production: false, pollMs: 500 }).start();
      await jest.advanceTimersByTimeAsync(1600);
      expect(source.versionReads + source.stateReads).toBe(3);
      live.stop();
      await jest.advanceTimersByTimeAsync(5000);
      expect(source.versionReads + source.stateReads).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('leaves demo agencies, their keys and agreements out in production', async () => {
    const source = new FakeSource();
    source.state$ = {
      version: 1,
      agencies: [agency('tax'), agency('demo-agency', true)],
      apiKeys: [{ agencyId: 'demo-agency', keyId: 'demo-key', sha256: 'a'.repeat(64), expires: null, networks: null }],
      agreements: [{ id: 'demo', consumer: 'demo-agency', registry: 'identity', service: 'person', dataItems: ['firstName'], purposes: ['demo'], validFrom: '2026-01-01', validUntil: '2026-12-31', dailyQuota: 1, resolution: null, status: 'active' }],
    };
    const live = new LiveGovernance(source, { production: true, pollMs: 0 });
    await live.refresh();
    expect([live.current!.agencies.map((a) => a.id), live.current!.key('a'.repeat(64)), live.current!.agreements]).toEqual([['tax'], undefined, []]);
    const development = new LiveGovernance(source, { production: false, pollMs: 0 });
    await development.refresh();
    expect(development.current!.key('a'.repeat(64))?.keyId).toBe('demo-key');
  });

  it('bootstraps before the first read, again after a failed bootstrap, and never once it succeeded', async () => {
    const source = new FakeSource();
    let attempts = 0;
    const first = bootstrappedFirst(source, async () => {
      attempts++;
      if (attempts === 1) throw new Error('store down');
    });
    const live = new LiveGovernance(first, { production: false, pollMs: 0 });
    await live.refresh();
    expect([live.current, source.stateReads]).toEqual([null, 0]);
    await live.refresh();
    source.state$ = stateAt(2, agency('tax'));
    await live.refresh();
    expect([attempts, source.stateReads, live.current!.version]).toEqual([2, 2, 2]);
    expect(live.readiness()).toEqual({ up: true, details: { version: 2 } });
  });
});
