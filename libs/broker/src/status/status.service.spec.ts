import { ProblemError } from '@nix/domain';
import { ReadinessChecks } from '@nix/platform';
import { BreakerIncidents } from '@nix/resilience';
import { ALWAYS_OPEN_NOTICES, type ServiceNotices } from './service-status';
import { StatusService, type ServiceListing } from './status.service';

const NOW = Date.parse('2026-11-30T10:00:00Z');
const listing: ServiceListing = {
  services: () => [{ registry: 'address', service: 'postal-code', versions: ['1.0.0'], title: { fa: 'کد پستی', en: 'Postal code' }, registryTitle: { fa: 'پست', en: 'Post' } }],
};
const clock = { now: () => NOW };
const incidents = new BreakerIncidents(() => NOW - 1000);
incidents.changed('address', 'open');
const breakers = { incidents };
const probes = { get: (registry: string) => (registry === 'address' ? { checkedAt: '2026-11-30T09:59:30.000Z', ok: false, outcome: 'unavailable' as const, durationMs: 3 } : null) };

function serviceWith(notices: ServiceNotices, readiness = new ReadinessChecks()): StatusService {
  return new StatusService(listing, notices, readiness, breakers, clock, probes);
}

describe('StatusService', () => {
  it("reads each registry's state from readiness, and its incidents from the broker's breakers", async () => {
    const readiness = new ReadinessChecks();
    readiness.add({ name: 'transport', probe: () => ({ up: true }) });
    readiness.add({ name: 'adapters', probe: async () => ({ up: true, details: { instances: { address: 1 } } }) });
    readiness.addBreakers('broker', { states: () => ({ address: 'open' }) });
    const document = await serviceWith(ALWAYS_OPEN_NOTICES, readiness).status();
    expect(document.services[0]).toMatchObject({ state: 'down', recentIncidents: [{ registry: 'address', openedAt: '2026-11-30T09:59:59.000Z', closedAt: null }] });
    // The last synthetic probe of the service, as the probe role left it.
    expect(document.services[0].probe).toEqual({ checkedAt: '2026-11-30T09:59:30.000Z', ok: false, outcome: 'unavailable', durationMs: 3 });
  });

  it('does not wait for a readiness probe that hangs: the adapters are then unknown, and the service degraded', async () => {
    const readiness = new ReadinessChecks();
    readiness.add({ name: 'adapters', probe: () => new Promise(() => undefined) });
    readiness.add({ name: 'transport', probe: () => Promise.reject(new Error('boom')) });
    const started = Date.now();
    const document = await serviceWith(ALWAYS_OPEN_NOTICES, readiness).status();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(document.services[0].state).toBe('degraded');
  });

  it('answers 503 status-unavailable when the announcements cannot be read', async () => {
    const failing: ServiceNotices = { hours: () => '24x7', maintenance: () => Promise.reject(new Error('store down')) };
    const refusal = await serviceWith(failing).status().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ProblemError);
    expect(refusal).toMatchObject({ problemType: 'status-unavailable', status: 503, extras: { retryAfterSeconds: 5 } });
  });
});
