import { DEMO_PAYLOAD_KEYS, loadConfig, type ConfigurationError, type RoleDefaults } from '@nix/config';
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

  it('make production ask each process only for the keys it uses', () => {
    const production = { NODE_ENV: 'production', NIX_TRACKING_KEY: 'a-production-tracking-key-0123', NIX_TRANSPORT: 'kafka', KAFKA_BROKERS: 'kafka-1:9092', NIX_KAFKA_ALLOW_INSECURE: 'true' };
    const missing = (defaults: RoleDefaults) => {
      try {
        loadConfig(production, defaults);
        return null;
      } catch (error) {
        return (error as ConfigurationError).message;
      }
    };
    expect(missing(ROLE_DEFAULTS.broker)).toBe('environment at NIX_LEDGER_SIGNING_KEY: is required in production');
    expect(missing(ROLE_DEFAULTS.nix)).toBe('environment at NIX_LEDGER_SIGNING_KEY: is required in production');
    expect(missing(ROLE_DEFAULTS.adapter)).toBe('environment at NIX_PAYLOAD_KEYS: is required in production when NIX_TRANSPORT=kafka');
    // The recorder opens no payload, digests nothing and signs nothing.
    const { NIX_TRACKING_KEY: _tracking, ...keyless } = production;
    const recorder = loadConfig(keyless, ROLE_DEFAULTS.recorder);
    expect(recorder.ledger.trackingKey).toBeNull();
    expect(recorder.kafka.payloadKeys).toEqual([]);
    expect(recorder.receipts.keys).toEqual([]);
    expect(recorder.ledger.chain.signingKey).toBeNull();
    const adapter = loadConfig({ ...keyless, NIX_PAYLOAD_KEYS: `2026-11:${Buffer.alloc(32, 7).toString('base64')}` }, ROLE_DEFAULTS.adapter);
    expect(adapter.kafka.payloadKeys.map((k) => k.id)).toEqual(['2026-11']);
    expect(adapter.receipts.keys).toEqual([]);
    // A demo key stays refused wherever it is given.
    expect(() => loadConfig({ ...production, NIX_PAYLOAD_KEYS: DEMO_PAYLOAD_KEYS }, ROLE_DEFAULTS.recorder)).toThrow(/demo key/);
  });
});
