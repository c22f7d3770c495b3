import { GovernanceRepository } from '@nix/governance';
import type { SqlClient } from '@nix/ledger';
import type { LiveCatalog } from '@nix/catalog';
import { findDatabaseLeaks, findLeaks } from '@nix/ledger/testing';
import { LEDGER_STORE, SERVICE_CATALOG } from '@nix/platform';
import { eventually } from '../support/polling';
import { startTestApp, type TestApp } from '../support/test-app';

const WG = { authorization: 'Bearer demo-wg-key' };
type Service = { registry: string; service: string };

/** The series of one metric family in a scrape, as label text → value. */
function series(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`).exec(line);
    if (!match) continue;
    // The process's instance label is left out, wherever prom-client puts it.
    const pairs = [...match[1].matchAll(/([a-z_]+)="([^"]*)"/g)].filter((m) => m[1] !== 'instance').map((m) => `${m[1]}="${m[2]}"`);
    found.set(pairs.join(','), Number(match[2]));
  }
  return found;
}
const labels = (s: Service) => `registry="${s.registry}",service="${s.service}"`;

const range = () => `from=${encodeURIComponent(new Date(Date.now() - 2 * 3600_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 2 * 3600_000).toISOString())}`;

/** Synthetic probes (R17, issue 16 point 3) in the embedded default, with a short interval. */
describe('synthetic probes: every published service called under the probe agency', () => {
  let nix: TestApp;
  let services: Service[];
  const store = () => nix.app.get<symbol, SqlClient>(LEDGER_STORE, { strict: false });
  const probeRecords = async () =>
    (await store().query<{ registry: string; service: string; n: number }>("SELECT registry, service, count(*)::int AS n FROM traffic_record WHERE consumer = 'nix-probe' GROUP BY 1, 2")).map((r) => ({ ...r }));

  describe('switched on', () => {
    beforeAll(async () => {
      // goods has no adapter in this process: its probe fails, as a registry that cannot be reached would.
      nix = await startTestApp({ NIX_PROBES: 'true', NIX_PROBE_INTERVAL_S: '1', NIX_ADAPTER_REGISTRIES: 'identity,legal-entity,address,vehicle' });
      services = (await nix.call('GET', '/v1/services')).json.services;
    }, 120_000);
    afterAll(async () => nix.close());

    it('probes every published service through the inquiry path, into /metrics, with no identifier in a label', async () => {
      const text = await eventually(
        () => nix.scrapeMetrics(),
        (t) => services.every((s) => series(t, 'nix_probe_up').has(labels(s))),
        60_000,
      );
      const up = series(text, 'nix_probe_up');
      for (const s of services) expect([s, up.get(labels(s))]).toEqual([s, s.registry === 'goods' ? 0 : 1]);
      const successes = series(text, 'nix_probe_success_total');
      expect(services.filter((s) => s.registry !== 'goods').every((s) => (successes.get(labels(s)) ?? 0) >= 1)).toBe(true);
      expect(series(text, 'nix_probe_failure_total').get(`registry="goods",service="goods",outcome="unavailable"`)).toBeGreaterThanOrEqual(1);
      expect(series(text, 'nix_probe_duration_seconds_count').get(labels({ registry: 'identity', service: 'person' }))).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(/^nix_probe_last_run_timestamp_seconds\{[^}]*\} \d+/m);
      // Labels name registries, services and outcomes only.
      for (const line of text.split('\n').filter((l) => l.startsWith('nix_probe_'))) {
        const names = [...line.matchAll(/([a-z_]+)="/g)].map((m) => m[1]);
        expect(names.every((n) => ['registry', 'service', 'outcome', 'instance', 'le'].includes(n))).toBe(true);
      }
      // The probe's inquiries are counted as the probe agency's, like any consumer's.
      expect(text).toMatch(/^nix_inquiries_total\{[^}]*consumer="nix-probe"[^}]*registry="identity"[^}]*outcome="ok"[^}]*\} [1-9]/m);
    });

    it('works under explicit, audited system agreements of the probe agency, with a key bound to no real certificate', async () => {
      const agreements = (await nix.call('GET', '/v1/agreements', { headers: WG })).json.agreements as { id: string; consumer: string; registry: string; service: string; purposes: string[]; resolution: string; status: string }[];
      const probe = agreements.filter((a) => a.consumer === 'nix-probe');
      expect(probe.map((a) => `${a.registry}/${a.service}`).sort()).toEqual(services.map((s) => `${s.registry}/${s.service}`).sort());
      expect(probe.every((a) => a.status === 'active' && a.purposes.join() === 'synthetic-probe' && /^System agreement: NIX synthetic probes \(R17\)/.test(a.resolution))).toBe(true);
      const audit = (await nix.call('GET', '/v1/audit?actor=nix-system&limit=1000', { headers: WG })).json.entries as { action: string; subject: string }[];
      expect(audit.map((e) => e.action)).toEqual(expect.arrayContaining(['agency.register', 'api-key.issue', 'agreement.create']));
      expect(audit.filter((e) => e.action === 'agreement.create')).toHaveLength(services.length);
      const keys = (await nix.call('GET', '/v1/agencies/nix-probe/keys', { headers: WG })).json.keys as { certificate: string | null; revokedAt: string | null }[];
      expect(keys.filter((k) => k.revokedAt === null)).toEqual([expect.objectContaining({ certificate: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
      // NIX's own: contracts:export leaves the probe agency, its key and its agreements out.
      const exported = await nix.app.get(GovernanceRepository, { strict: false }).exportContracts();
      expect(exported.length).toBeGreaterThan(0);
      expect(exported.filter((f) => f.path.includes('nix-probe') || f.content.includes('nix-probe')).map((f) => f.path)).toEqual([]);
    });

    it('keeps its traffic out of agencies’ usage and in services’ availability, and shows it on the public status', async () => {
      await nix.flushLedger();
      const recorded = await probeRecords();
      expect(recorded.find((r) => r.registry === 'identity' && r.service === 'person')?.n).toBeGreaterThanOrEqual(1);

      // R3: the probe records' values (the published examples) are nowhere in the ledger or the logs.
      const catalog = nix.app.get<symbol, LiveCatalog>(SERVICE_CATALOG, { strict: false });
      const needles = catalog.services().flatMap((d) => Object.values(d.examples[0] ?? {}).filter((v): v is string => typeof v === 'string' && v.length >= 6));
      expect(needles.length).toBeGreaterThanOrEqual(services.length);
      expect(await findDatabaseLeaks(store(), needles)).toEqual([]);
      expect(findLeaks(nix.logLines.map((text, i) => ({ source: `log line ${i}`, text })), needles)).toEqual([]);

      const usage = await nix.call('GET', `/v1/reports/usage?${range()}&groupBy=consumer,registry,service,outcome`, { headers: WG });
      expect(usage.status).toBe(200);
      expect(usage.json.rows.filter((r: { consumer: string }) => r.consumer === 'nix-probe')).toEqual([]);
      const compliance = await nix.call('GET', `/v1/reports/compliance?${range()}`, { headers: WG });
      expect(JSON.stringify(compliance.json)).not.toContain('nix-probe');

      // No agency sent anything: every exchange the service levels count is a probe's.
      const levels = await nix.call('GET', `/v1/reports/service-levels?${range()}`, { headers: WG });
      const person = levels.json.rows.find((r: Service) => r.registry === 'identity' && r.service === 'person');
      expect(person).toMatchObject({ availability: 1 });
      const goods = levels.json.rows.find((r: Service) => r.registry === 'goods' && r.service === 'goods');
      expect(goods.availability).toBeLessThan(1);

      const status = await eventually(
        async () => (await nix.call('GET', '/v1/status')).json.services as (Service & { probe: { ok: boolean; outcome: string; checkedAt: string; durationMs: number } | null })[],
        (list) => list.every((s) => s.probe !== null),
      );
      expect(status.find((s) => s.registry === 'identity' && s.service === 'person')!.probe).toEqual({ ok: true, outcome: 'ok', checkedAt: expect.any(String), durationMs: expect.any(Number) });
      expect(status.find((s) => s.registry === 'goods')!.probe).toMatchObject({ ok: false, outcome: 'unavailable' });
    });

    it('stops probing a service whose probe agreement the working group suspends (R6: agreements decide)', async () => {
      const agreements = (await nix.call('GET', '/v1/agreements', { headers: WG })).json.agreements as { id: string; consumer: string; registry: string; service: string }[];
      const company = agreements.find((a) => a.consumer === 'nix-probe' && a.registry === 'legal-entity')!;
      expect((await nix.call('POST', `/v1/agreements/${company.id}/suspension`, { headers: WG, body: { resolution: 'WG-PROBE-OFF' } })).status).toBe(200);
      const status = await eventually(
        async () => (await nix.call('GET', '/v1/status')).json.services as (Service & { probe: unknown })[],
        (list) => list.find((s) => s.registry === 'legal-entity')!.probe === null,
      );
      expect(status.find((s) => s.registry === 'legal-entity')!.probe).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await nix.flushLedger();
      const before = (await probeRecords()).find((r) => r.registry === 'legal-entity')?.n;
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await nix.flushLedger();
      expect((await probeRecords()).find((r) => r.registry === 'legal-entity')?.n).toBe(before);
      expect(series(await nix.scrapeMetrics(), 'nix_probe_up').has(labels({ registry: 'legal-entity', service: 'company' }))).toBe(false);
    });
  });

  describe('switched off (NIX_PROBES=false)', () => {
    beforeAll(async () => {
      nix = await startTestApp({ NIX_PROBES: 'false', NIX_PROBE_INTERVAL_S: '1' });
    }, 120_000);
    afterAll(async () => nix.close());

    it('sends no probe traffic, registers no probe agency and exports no probe series', async () => {
      // Several intervals pass.
      await new Promise((resolve) => setTimeout(resolve, 4000));
      await nix.flushLedger();
      expect(await probeRecords()).toEqual([]);
      const agencies = await store().query<{ id: string }>("SELECT id FROM governance_agency WHERE id = 'nix-probe'");
      expect(agencies).toEqual([]);
      const text = await nix.scrapeMetrics();
      expect(series(text, 'nix_probe_up').size).toBe(0);
      expect(series(text, 'nix_probe_success_total').size).toBe(0);
      expect((await nix.call('GET', '/v1/status')).json.services.every((s: { probe: unknown }) => s.probe === null)).toBe(true);
    });
  });
});
