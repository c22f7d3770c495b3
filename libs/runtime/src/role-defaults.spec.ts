import { loadConfig } from '@nix/config';
import { ROLE_DEFAULTS } from './role-defaults';

describe('role defaults', () => {
  it('give the broker, the adapters and the recorder ports of their own, so they run side by side', () => {
    const { broker, adapter, recorder } = ROLE_DEFAULTS;
    const ports = [broker, adapter, recorder].flatMap((d) => [d.port, d.metricsPort]);
    expect(new Set(ports).size).toBe(ports.length);
    expect([broker.port, adapter.port, recorder.port]).toEqual([3000, 3001, 3002]);
    expect(ROLE_DEFAULTS.nix).toEqual(broker);
  });

  it('are what loadConfig listens on when PORT is unset, and PORT overrides them', () => {
    expect(loadConfig({}, ROLE_DEFAULTS.adapter).http.port).toBe(3001);
    expect(loadConfig({}, ROLE_DEFAULTS.recorder).http.port).toBe(3002);
    expect(loadConfig({}).http.port).toBe(3000);
    expect(loadConfig({ PORT: '8080' }, ROLE_DEFAULTS.recorder).http.port).toBe(8080);
    expect(loadConfig({ PORT: '' }, ROLE_DEFAULTS.adapter).http.port).toBe(3001);
  });
});
