import type { BreakerIncident } from '@nix/resilience';
import { ALWAYS_OPEN_NOTICES, serviceStateOf, statusDocument, type ListedService, type MaintenanceWindow, type RegistryCondition, type ServiceNotices, type StatusSources } from './service-status';

const HEALTHY: RegistryCondition = { breaker: 'closed', adapterBreaker: null, adapters: 1, transportUp: true };
const NOW = Date.parse('2026-11-30T10:00:00Z');
const PERSON: ListedService = { registry: 'identity', service: 'person', versions: ['1.0.0'], title: { fa: 'شخص', en: 'Person' }, registryTitle: { fa: 'ثبت احوال', en: 'Identity' } };
const COMPANY: ListedService = { registry: 'legal-entity', service: 'company', versions: ['1.0.0', '2.0.0'], title: { fa: 'شرکت', en: 'Company' }, registryTitle: { fa: 'اشخاص حقوقی', en: 'Legal entities' } };

function sources(overrides: Partial<StatusSources> = {}): StatusSources {
  return {
    services: () => [PERSON, COMPANY],
    notices: ALWAYS_OPEN_NOTICES,
    conditions: async (registries) => Object.fromEntries(registries.map((r) => [r, HEALTHY])),
    incidents: () => [],
    now: () => NOW,
    ...overrides,
  };
}

describe('serviceStateOf', () => {
  it.each<[string, Partial<RegistryCondition>, boolean, string]>([
    ['healthy', {}, false, 'operational'],
    ['in a maintenance window, whatever else', { breaker: 'open' }, true, 'maintenance'],
    ['breaker open', { breaker: 'open' }, false, 'down'],
    ['no adapter', { adapters: 0 }, false, 'down'],
    ['transport down', { transportUp: false }, false, 'down'],
    ['breaker half-open', { breaker: 'half-open' }, false, 'degraded'],
    ['adapter-side breaker open', { adapterBreaker: 'open' }, false, 'degraded'],
    ['adapters uncounted', { adapters: null }, false, 'degraded'],
    ['adapter-side breaker closed', { adapterBreaker: 'closed' }, false, 'operational'],
  ])('%s', (_name, condition, inMaintenance, state) => {
    expect(serviceStateOf({ ...HEALTHY, ...condition }, inMaintenance)).toBe(state);
  });
});

describe('statusDocument', () => {
  it("lists every service with today's defaults: 24x7, no maintenance, operational, no incident", async () => {
    const document = await statusDocument(sources());
    expect(document).toEqual({
      generatedAt: '2026-11-30T10:00:00.000Z',
      services: [
        { ...PERSON, hours: '24x7', state: 'operational', upcomingMaintenance: [], recentIncidents: [], probe: null },
        { ...COMPANY, hours: '24x7', state: 'operational', upcomingMaintenance: [], recentIncidents: [], probe: null },
      ],
    });
  });

  it("gives each service its registry's condition and incidents, as ISO times", async () => {
    const incidents: Record<string, BreakerIncident[]> = {
      identity: [
        { registry: 'identity', openedAt: NOW - 60_000, closedAt: null },
        { registry: 'identity', openedAt: NOW - 3_600_000, closedAt: NOW - 3_000_000 },
      ],
    };
    const document = await statusDocument(
      sources({
        conditions: async () => ({ identity: { ...HEALTHY, breaker: 'open' }, 'legal-entity': { ...HEALTHY, breaker: 'half-open' } }),
        incidents: (registry) => incidents[registry] ?? [],
      }),
    );
    expect(document.services.map((s) => s.state)).toEqual(['down', 'degraded']);
    expect(document.services[0].recentIncidents).toEqual([
      { registry: 'identity', openedAt: '2026-11-30T09:59:00.000Z', closedAt: null },
      { registry: 'identity', openedAt: '2026-11-30T09:00:00.000Z', closedAt: '2026-11-30T09:10:00.000Z' },
    ]);
    expect(document.services[1].recentIncidents).toEqual([]);
  });

  it('shows windows that have not ended, soonest first, and the service under maintenance inside one', async () => {
    const note = { fa: 'به‌روزرسانی', en: 'Upgrade' };
    const windows: MaintenanceWindow[] = [
      { from: '2026-12-05T20:00:00Z', until: '2026-12-05T22:00:00Z', note },
      { from: '2026-11-30T09:30:00Z', until: '2026-11-30T10:30:00Z', note },
      { from: '2026-11-29T20:00:00Z', until: '2026-11-29T22:00:00Z', note },
    ];
    const asked: unknown[] = [];
    const notices: ServiceNotices = {
      hours: (registry) => (registry === 'identity' ? [{ days: ['sat', 'sun'], from: '08:00', until: '16:00' }] : '24x7'),
      maintenance: async (registry, service, now) => {
        asked.push([registry, service, now.toISOString()]);
        return registry === 'identity' ? windows : [];
      },
    };
    const document = await statusDocument(sources({ notices }));
    const person = document.services[0];
    expect(person.state).toBe('maintenance');
    expect(person.hours).toEqual([{ days: ['sat', 'sun'], from: '08:00', until: '16:00' }]);
    expect(person.upcomingMaintenance.map((w) => w.from)).toEqual(['2026-11-30T09:30:00Z', '2026-12-05T20:00:00Z']);
    expect(document.services[1]).toMatchObject({ state: 'operational', hours: '24x7', upcomingMaintenance: [] });
    expect(asked).toContainEqual(['identity', 'person', '2026-11-30T10:00:00.000Z']);
  });

  it('is operational before a window starts', async () => {
    const notices: ServiceNotices = { hours: () => '24x7', maintenance: () => [{ from: '2026-11-30T10:00:01Z', until: '2026-11-30T11:00:00Z', note: { fa: 'x', en: 'x' } }] };
    const document = await statusDocument(sources({ notices }));
    expect(document.services[0].state).toBe('operational');
    expect(document.services[0].upcomingMaintenance).toHaveLength(1);
  });
});
