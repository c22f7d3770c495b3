import { planProbes, PROBE_AGENCY, probeSucceeded, type ProbeTarget } from './probe';
import type { Agreement } from './agreement';

const target = (registry: string, service: string, extra: Partial<ProbeTarget> = {}): ProbeTarget => ({
  registry,
  service,
  major: 1,
  dataItems: ['name', 'status'],
  record: { id: '1' },
  ...extra,
});

const agreement = (over: Partial<Agreement>): Agreement => ({
  id: 'x',
  consumer: PROBE_AGENCY.id,
  registry: 'goods',
  service: 'goods',
  major: 1,
  dataItems: ['name'],
  purposes: ['synthetic-probe'],
  validFrom: '2026-01-01',
  validUntil: '2036-01-01',
  dailyQuota: 10,
  ...over,
});

describe('planProbes', () => {
  it('creates the missing system agreement of a service, granting one data item, and probes it', () => {
    const plan = planProbes([target('goods', 'goods')], [], '2026-11-30');
    expect(plan.agreementsToCreate).toEqual([
      expect.objectContaining({ id: 'nix-probe-goods-goods-v1', consumer: 'nix-probe', major: 1, dataItems: ['name'], purposes: ['synthetic-probe'], validFrom: '2026-11-30', validUntil: '2036-11-30' }),
    ]);
    expect(plan.probes.map((p) => p.service)).toEqual(['goods']);
  });

  it('probes under an agreement already in force without making another, per major', () => {
    const plan = planProbes([target('goods', 'goods'), target('goods', 'goods', { major: 2 })], [agreement({})], '2026-11-30');
    expect(plan.agreementsToCreate.map((a) => a.id)).toEqual(['nix-probe-goods-goods-v2']);
    expect(plan.probes).toHaveLength(2);
  });

  it('leaves alone a service whose probe agreement the working group suspended, and one without an example', () => {
    const plan = planProbes([target('goods', 'goods'), target('address', 'postal-code', { record: undefined })], [agreement({ id: 'p1', status: 'suspended' })], '2026-11-30');
    expect(plan.probes).toEqual([]);
    expect(plan.agreementsToCreate).toEqual([]);
    expect(plan.skipped).toEqual([
      { registry: 'goods', service: 'goods', reason: 'the probe agreement p1 is suspended' },
      { registry: 'address', service: 'postal-code', reason: 'its newest version has no request example to probe with' },
    ]);
  });

  it('counts an answer with or without the record as a success, anything else as a failure', () => {
    expect(['ok', 'not-found'].every((o) => probeSucceeded(o as never))).toBe(true);
    expect(['timeout', 'unavailable', 'denied', 'provider-error', 'broker-error'].some((o) => probeSucceeded(o as never))).toBe(false);
  });
});
