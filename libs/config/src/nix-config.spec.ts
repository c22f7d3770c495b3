import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { ConfigurationError, DEMO_LEDGER_SIGNING_KEY, DEMO_NOTIFICATION_KEYS, DEMO_PAYLOAD_KEYS, DEMO_RECEIPT_KEY, DEMO_SUBSCRIPTION_KEY, DEMO_TRACKING_KEY, loadConfig } from '@nix/config';

const PRODUCTION_KEY = 'a-production-tracking-key-0123456789';
/** An Ed25519 key (PKCS#8 DER, base64) made for these tests only. */
const PRODUCTION_SIGNING_KEY = 'MC4CAQAwBQYDK2VwBCIEIKyBR2qkA05A4RT3Zh6/9u2Lsm0IgT+g/ki+X+kYA01p';

function receiptKey(kid: string) {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  return { kty: 'OKP', crv: 'Ed25519', kid, x: jwk.x, d: jwk.d };
}

/** A production receipt key set (not the demo key). */
const RECEIPT_KEYS = JSON.stringify([receiptKey('2026-11')]);

/** TLS with the system's CAs and a SCRAM user: what production asks of the Kafka transport. */
const SECURE_KAFKA = { KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'nix-broker', KAFKA_SASL_PASSWORD: 'a-kafka-password' };

function configError(env: NodeJS.ProcessEnv): ConfigurationError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('the configuration loaded');
}

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      production: false,
      http: { host: '0.0.0.0', port: 3000, bodyLimit: 65536, trustProxy: false, tls: null, maxInFlight: 128, admissionTargetMs: 80 },
      allowBearerOnly: true,
      metrics: { host: '127.0.0.1', port: 9464 },
      transport: 'in-process',
      kafka: {
        brokers: [],
        clientId: 'nix',
        partitions: 6,
        replicationFactor: 1,
        inquiryRetentionMs: 300000,
        trafficRetentionMs: 2592000000,
        payloadKeys: [{ id: 'demo-not-for-production', key: Buffer.from(DEMO_PAYLOAD_KEYS.split(':')[1], 'base64') }],
      },
      paths: { schemas: resolve('schemas'), contracts: resolve('contracts'), data: resolve('data') },
      database: { url: null },
      ledger: { trackingKey: DEMO_TRACKING_KEY, retentionMonths: 25, bufferLimit: 200000, flushIntervalMs: 200, batchSize: 2000, stallSeconds: 60, durability: 'batched',
        chain: { signingKey: DEMO_LEDGER_SIGNING_KEY, checkpointEvery: 1000, checkpointMs: 60000, trustedKeys: [] } },
      breaker: { volumeThreshold: 20, errorThresholdPercentage: 50, resetTimeoutMs: 5000, rollingCountTimeoutMs: 10000 },
      registries: {},
      credentials: {},
      adapterRegistries: null,
      log: { level: 'info', exchanges: false },
      shutdown: { drainMs: 10000 },
      warnings: [],
    });
    expect(config.instanceId).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
  });

  it('makes a different instance ID for each load unless one is set', () => {
    expect(loadConfig({}).instanceId).not.toBe(loadConfig({}).instanceId);
    expect(loadConfig({ NIX_INSTANCE_ID: 'broker-7' }).instanceId).toBe('broker-7');
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig({ PORT: '', NIX_TRANSPORT: '', NIX_TRACKING_KEY: '' });
    expect(config.http.port).toBe(3000);
    expect(config.transport).toBe('in-process');
    expect(config.ledger.trackingKey).toBe(DEMO_TRACKING_KEY);
  });

  it('coerces numbers and booleans from their text', () => {
    const config = loadConfig({
      PORT: '8080',
      NIX_METRICS_PORT: '9100',
      NIX_LOG_EXCHANGES: 'false',
      NIX_KAFKA_PARTITIONS: '12',
      NIX_RETENTION_MONTHS: '60',
      NIX_LEDGER_FLUSH_MS: '50',
      NIX_SHUTDOWN_DRAIN_MS: '0',
      NIX_BREAKER_ERROR_PERCENT: '25',
    });
    expect(config.http.port).toBe(8080);
    expect(config.metrics.port).toBe(9100);
    expect(config.log.exchanges).toBe(false);
    expect(config.kafka.partitions).toBe(12);
    expect(config.ledger.retentionMonths).toBe(60);
    expect(config.ledger.flushIntervalMs).toBe(50);
    expect(config.shutdown.drainMs).toBe(0);
    expect(config.breaker.errorThresholdPercentage).toBe(25);
  });

  it('runs synthetic probes every minute unless told otherwise, and takes an operations token of 32 characters or more', () => {
    expect(loadConfig({}).probes).toEqual({ enabled: true, intervalSeconds: 60 });
    expect(loadConfig({ NIX_PROBES: 'false', NIX_PROBE_INTERVAL_S: '5' }).probes).toEqual({ enabled: false, intervalSeconds: 5 });
    expect(() => loadConfig({ NIX_PROBE_INTERVAL_S: '0' })).toThrow(/NIX_PROBE_INTERVAL_S must be >= 1/);
    expect(() => loadConfig({ NIX_PROBES: 'maybe' })).toThrow(/NIX_PROBES must be boolean/);
    expect(loadConfig({}).ops).toEqual({ token: null });
    expect(loadConfig({ NIX_OPS_TOKEN: 't'.repeat(32) }).ops).toEqual({ token: 't'.repeat(32) });
    expect(() => loadConfig({ NIX_OPS_TOKEN: 'short' })).toThrow(/NIX_OPS_TOKEN must NOT have fewer than 32 characters/);
  });

  it('reads the remaining settings', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      DATABASE_URL: 'postgres://nix@db/nix',
      NIX_SCHEMAS_DIR: 'config/schemas',
      NIX_ADAPTER_REGISTRIES: 'identity,legal-entity',
      NIX_LOG_LEVEL: 'debug',
      NIX_TRACKING_KEY: PRODUCTION_KEY,
    });
    expect(config.production).toBe(false);
    expect(config.http.host).toBe('127.0.0.1');
    expect(config.database.url).toBe('postgres://nix@db/nix');
    expect(config.paths.schemas).toBe(resolve('config/schemas'));
    expect(config.adapterRegistries).toEqual(['identity', 'legal-entity']);
    expect(config.log.level).toBe('debug');
    expect(config.ledger.trackingKey).toBe(PRODUCTION_KEY);
  });

  it.each([
    ['PORT', 'abc', 'PORT must be integer'],
    ['PORT', '30.5', 'PORT must be integer'],
    ['PORT', '70000', 'PORT must be <= 65535'],
    ['NIX_METRICS_PORT', '70000', 'NIX_METRICS_PORT must be <= 65535'],
    ['NIX_LOG_EXCHANGES', 'on', 'NIX_LOG_EXCHANGES must be boolean'],
    ['NIX_TRANSPORT', 'rabbitmq', 'NIX_TRANSPORT must be equal to one of the allowed values'],
    ['NIX_LOG_LEVEL', 'loud', 'NIX_LOG_LEVEL must be equal to one of the allowed values'],
    ['NIX_KAFKA_PARTITIONS', '0', 'NIX_KAFKA_PARTITIONS must be >= 1'],
    ['NIX_KAFKA_INQUIRY_RETENTION_MS', '1000', 'NIX_KAFKA_INQUIRY_RETENTION_MS must be >= 60000'],
    ['NIX_RETENTION_MONTHS', '121', 'NIX_RETENTION_MONTHS must be <= 120'],
    ['KAFKA_BROKERS', 'kafka', 'KAFKA_BROKERS must match pattern'],
    ['KAFKA_BROKERS', 'a:9092, b:9092', 'KAFKA_BROKERS must match pattern'],
    ['DATABASE_URL', 'mysql://db/nix', 'DATABASE_URL must match pattern'],
    ['NIX_TRACKING_KEY', 'too-short', 'NIX_TRACKING_KEY must NOT have fewer than 16 characters'],
    ['NIX_INSTANCE_ID', 'broker 1', 'NIX_INSTANCE_ID must match pattern'],
    ['NIX_ADAPTER_REGISTRIES', 'Identity', 'NIX_ADAPTER_REGISTRIES must match pattern'],
    ['NIX_REGISTRY_IDENTITY_BACKEND', 'soap', 'NIX_REGISTRY_IDENTITY_BACKEND must be equal to one of the allowed values'],
    ['NIX_REGISTRY_IDENTITY_URL', 'ftp://registry', 'NIX_REGISTRY_IDENTITY_URL must match pattern'],
  ])('refuses %s=%s, naming the variable', (name, value, reason) => {
    const error = configError({ [name]: value });
    expect(error.source).toBe('environment');
    expect(error.message).toContain(reason);
    expect(error.message.startsWith('environment: ')).toBe(true);
  });

  it('reads the ledger stall limit and durability, and refuses other durabilities', () => {
    const config = loadConfig({ NIX_LEDGER_STALL_S: '15', NIX_LEDGER_DURABILITY: 'sync' });
    expect(config.ledger.stallSeconds).toBe(15);
    expect(config.ledger.durability).toBe('sync');
    expect(() => loadConfig({ NIX_LEDGER_DURABILITY: 'fsync' })).toThrow(/NIX_LEDGER_DURABILITY/);
    expect(() => loadConfig({ NIX_LEDGER_STALL_S: '0' })).toThrow(/NIX_LEDGER_STALL_S/);
  });

  it('names every bad variable at once', () => {
    const error = configError({ PORT: 'abc', NIX_LOG_LEVEL: 'loud' });
    expect(error.message).toContain('PORT must be integer');
    expect(error.message).toContain('NIX_LOG_LEVEL must be equal to one of the allowed values');
  });

  describe('listeners', () => {
    it("falls back to the role's own ports when PORT and NIX_METRICS_PORT are unset", () => {
      const config = loadConfig({}, { port: 3100, metricsPort: 9465 });
      expect(config.http.port).toBe(3100);
      expect(config.metrics).toEqual({ host: '127.0.0.1', port: 9465 });
      expect(loadConfig({ PORT: '3200', NIX_METRICS_PORT: '9500' }, { port: 3100, metricsPort: 9465 }).metrics.port).toBe(9500);
    });

    it('serves metrics where NIX_METRICS_HOST and NIX_METRICS_PORT say, 0 picking a free port', () => {
      expect(loadConfig({ NIX_METRICS_HOST: '0.0.0.0', NIX_METRICS_PORT: '0', PORT: '0' }).metrics).toEqual({ host: '0.0.0.0', port: 0 });
    });

    it('refuses metrics on the API port', () => {
      const error = configError({ PORT: '9000', NIX_METRICS_PORT: '9000' });
      expect(error.location).toBe('NIX_METRICS_PORT');
    });
  });

  describe('NIX_TRUST_PROXY', () => {
    it('trusts no hop when unset or false', () => {
      expect(loadConfig({}).http.trustProxy).toBe(false);
      expect(loadConfig({ NIX_TRUST_PROXY: 'false' }).http.trustProxy).toBe(false);
    });

    it("takes the proxies' addresses and CIDRs", () => {
      const config = loadConfig({ NIX_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,fd00::/8,::1,loopback' });
      expect(config.http.trustProxy).toEqual(['10.0.0.1', '192.168.0.0/16', 'fd00::/8', '::1', 'loopback']);
      expect(config.warnings).toEqual([]);
    });

    it.each([['yes'], ['10.0.0.0/33'], ['10.0.0.300'], ['10.0.0.0/8/1'], ['10.0.0.1,'], ['proxy.example']])('refuses %s, naming the variable', (value) => {
      const error = configError({ NIX_TRUST_PROXY: value });
      expect(error.location).toBe('NIX_TRUST_PROXY');
    });

    it('allows true in development, with a warning', () => {
      const config = loadConfig({ NIX_TRUST_PROXY: 'true' });
      expect(config.http.trustProxy).toBe(true);
      expect(config.warnings).toEqual([expect.stringContaining('NIX_TRUST_PROXY=true trusts every X-Forwarded-For hop')]);
    });

    it('refuses true in production', () => {
      const error = configError({ NODE_ENV: 'production', NIX_TRACKING_KEY: PRODUCTION_KEY, NIX_TRUST_PROXY: 'true' });
      expect(error.location).toBe('NIX_TRUST_PROXY');
      expect(error.message).toContain('refused in production');
    });
  });

  describe('certificates', () => {
    it('serves HTTPS with the certificate and key, asking for client certificates with a client CA', () => {
      const config = loadConfig({ NIX_TLS_CERT: 'tls/server.pem', NIX_TLS_KEY: 'tls/server.key', NIX_TLS_CLIENT_CA: 'tls/agencies-ca.pem' });
      expect(config.http.tls).toEqual({ cert: resolve('tls/server.pem'), key: resolve('tls/server.key'), clientCa: resolve('tls/agencies-ca.pem') });
      expect(loadConfig({ NIX_TLS_CERT: 'c.pem', NIX_TLS_KEY: 'k.pem' }).http.tls).toEqual({ cert: resolve('c.pem'), key: resolve('k.pem'), clientCa: null });
    });

    it.each([
      [{ NIX_TLS_CERT: 'c.pem' }, 'NIX_TLS_KEY'],
      [{ NIX_TLS_KEY: 'k.pem' }, 'NIX_TLS_CERT'],
      [{ NIX_TLS_CLIENT_CA: 'ca.pem' }, 'NIX_TLS_CERT'],
    ])('refuses %j, naming %s', (env, variable) => {
      expect(configError(env).location).toBe(variable);
    });

    it('accepts bearer keys alone in development, and in production only with NIX_ALLOW_BEARER_ONLY=true (warned)', () => {
      expect(loadConfig({}).allowBearerOnly).toBe(true);
      expect(loadConfig({ NODE_ENV: 'production', NIX_TRACKING_KEY: PRODUCTION_KEY, NIX_RECEIPT_KEYS: RECEIPT_KEYS, NIX_LEDGER_SIGNING_KEY: PRODUCTION_SIGNING_KEY }).allowBearerOnly).toBe(false);
      const allowed = loadConfig({ NODE_ENV: 'production', NIX_TRACKING_KEY: PRODUCTION_KEY, NIX_RECEIPT_KEYS: RECEIPT_KEYS, NIX_LEDGER_SIGNING_KEY: PRODUCTION_SIGNING_KEY, NIX_ALLOW_BEARER_ONLY: 'true' });
      expect(allowed.allowBearerOnly).toBe(true);
      expect(allowed.warnings).toContainEqual(expect.stringContaining('NIX_ALLOW_BEARER_ONLY=true'));
      expect(configError({ NIX_ALLOW_BEARER_ONLY: 'yes' }).message).toContain('NIX_ALLOW_BEARER_ONLY');
    });
  });

  describe('Kafka', () => {
    it('requires KAFKA_BROKERS when NIX_TRANSPORT=kafka', () => {
      const error = configError({ NIX_TRANSPORT: 'kafka' });
      expect(error.location).toBe('KAFKA_BROKERS');
      expect(error.message).toBe('environment at KAFKA_BROKERS: is required when NIX_TRANSPORT=kafka');
    });

    it('splits the broker list', () => {
      const config = loadConfig({ NIX_TRANSPORT: 'kafka', KAFKA_BROKERS: 'kafka-1:9092,kafka-2.nix.ir:9093' });
      expect(config.transport).toBe('kafka');
      expect(config.kafka.brokers).toEqual(['kafka-1:9092', 'kafka-2.nix.ir:9093']);
      expect(config.kafka).toMatchObject({ ssl: null, sasl: null });
    });

    describe('TLS and SASL', () => {
      const dir = mkdtempSync(join(tmpdir(), 'nix-config-kafka-'));
      const caFile = join(dir, 'ca.pem');
      const passwordFile = join(dir, 'broker.password');
      writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      writeFileSync(passwordFile, 'from-a-file\n');
      const kafka = { NIX_TRANSPORT: 'kafka', KAFKA_BROKERS: 'kafka-1:9093' };

      it('reads the CA and the SCRAM user, its password given or from a file (one trailing newline dropped)', () => {
        const config = loadConfig({ ...kafka, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: caFile, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'nix-broker', KAFKA_SASL_PASSWORD_FILE: passwordFile });
        expect(config.kafka.ssl).toEqual({ ca: readFileSync(caFile, 'utf8') });
        expect(config.kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'nix-broker', password: 'from-a-file' });
        expect(loadConfig({ ...kafka, ...SECURE_KAFKA }).kafka).toMatchObject({ ssl: { ca: null }, sasl: { username: 'nix-broker', password: 'a-kafka-password' } });
      });

      it('names the variable that is missing, unreadable or contradicts another, and never quotes the password', () => {
        const cases: Array<[NodeJS.ProcessEnv, string, string]> = [
          [{ KAFKA_SSL_CA_FILE: caFile }, 'KAFKA_SSL', 'must be true with KAFKA_SSL_CA_FILE'],
          [{ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(dir, 'missing.pem') }, 'KAFKA_SSL_CA_FILE', 'cannot be read (ENOENT'],
          [{ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: passwordFile }, 'KAFKA_SSL_CA_FILE', 'holds no PEM certificate'],
          [{ KAFKA_SASL_USERNAME: 'nix-broker' }, 'KAFKA_SASL_MECHANISM', 'is required with KAFKA_SASL_USERNAME'],
          [{ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_PASSWORD: 'secret-1' }, 'KAFKA_SASL_USERNAME', 'is required with KAFKA_SASL_MECHANISM'],
          [{ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u' }, 'KAFKA_SASL_PASSWORD', 'or KAFKA_SASL_PASSWORD_FILE is required'],
          [{ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'secret-1', KAFKA_SASL_PASSWORD_FILE: passwordFile }, 'KAFKA_SASL_PASSWORD_FILE', 'both set'],
          [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'secret-1' }, '', 'KAFKA_SASL_MECHANISM must be equal to one of the allowed values'],
        ];
        for (const [env, location, reason] of cases) {
          const error = configError({ ...kafka, ...env });
          expect({ env, location: error.location }).toEqual({ env, location });
          expect(error.message).toContain(reason);
          expect(error.message).not.toContain('secret-1');
        }
      });

      it('refuses plaintext or unauthenticated Kafka in production unless NIX_KAFKA_ALLOW_INSECURE=true (warned)', () => {
        const production = { ...kafka, NODE_ENV: 'production', NIX_TRACKING_KEY: PRODUCTION_KEY, NIX_RECEIPT_KEYS: RECEIPT_KEYS, NIX_LEDGER_SIGNING_KEY: PRODUCTION_SIGNING_KEY, NIX_PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}` };
        expect(configError(production).message).toBe(
          'environment at KAFKA_SSL: is required in production with NIX_TRANSPORT=kafka (KAFKA_SSL=true); NIX_KAFKA_ALLOW_INSECURE=true allows plaintext Kafka',
        );
        expect(configError({ ...production, KAFKA_SSL: 'true' }).location).toBe('KAFKA_SASL_MECHANISM');
        expect(loadConfig({ ...production, ...SECURE_KAFKA }).warnings).toEqual([]);
        const allowed = loadConfig({ ...production, NIX_KAFKA_ALLOW_INSECURE: 'true' });
        expect(allowed.warnings).toContainEqual('NIX_KAFKA_ALLOW_INSECURE=true: Kafka is plaintext (no KAFKA_SSL) and unauthenticated (no KAFKA_SASL_MECHANISM) in production');
        // In-process, no Kafka: nothing to secure.
        expect(loadConfig({ ...production, NIX_TRANSPORT: 'in-process' }).kafka.sasl).toBeNull();
      });
    });
  });

  describe('notifications (issue 14)', () => {
    const production = { NODE_ENV: 'production', NIX_TRACKING_KEY: PRODUCTION_KEY, NIX_LEDGER_SIGNING_KEY: PRODUCTION_SIGNING_KEY, NIX_RECEIPT_KEYS: RECEIPT_KEYS };
    const KEYS = `n1:${Buffer.alloc(32, 3).toString('base64')}`;

    it('uses the demo keys in development, a 7-day retention, and no private webhook addresses', () => {
      const { notifications } = loadConfig({});
      expect(notifications).toEqual({
        subscriptionKey: DEMO_SUBSCRIPTION_KEY,
        previousSubscriptionKeys: [],
        keys: [{ id: 'demo-notifications-not-for-production', key: Buffer.from(DEMO_NOTIFICATION_KEYS.split(':')[1], 'base64') }],
        retentionDays: 7,
        webhookAllowPrivate: false,
      });
    });

    it('serves none in production without keys, and takes both when given', () => {
      expect(loadConfig(production).notifications).toMatchObject({ subscriptionKey: null, keys: [] });
      const config = loadConfig({ ...production, NIX_SUBSCRIPTION_KEY: 'a-production-subscription-key', NIX_NOTIFICATION_KEYS: KEYS, NIX_NOTIFICATION_RETENTION_DAYS: '3', NIX_WEBHOOK_ALLOW_PRIVATE: 'true' });
      expect(config.notifications).toEqual({ subscriptionKey: 'a-production-subscription-key', previousSubscriptionKeys: [], keys: [{ id: 'n1', key: Buffer.alloc(32, 3) }], retentionDays: 3, webhookAllowPrivate: true });
    });

    it('takes older pseudonym keys for a rotation, newest first, and refuses a short, repeated or current one', () => {
      const rotating = { ...production, NIX_SUBSCRIPTION_KEY: 'the-new-subscription-key', NIX_NOTIFICATION_KEYS: KEYS };
      expect(loadConfig({ ...rotating, NIX_SUBSCRIPTION_PREVIOUS_KEYS: 'the-old-subscription-key, an-older-subscription-key' }).notifications.previousSubscriptionKeys).toEqual([
        'the-old-subscription-key',
        'an-older-subscription-key',
      ]);
      expect(configError({ ...rotating, NIX_SUBSCRIPTION_PREVIOUS_KEYS: 'short' }).message).toContain('NIX_SUBSCRIPTION_PREVIOUS_KEYS: holds a key shorter than 16 characters');
      expect(configError({ ...rotating, NIX_SUBSCRIPTION_PREVIOUS_KEYS: 'the-new-subscription-key' }).message).toContain('NIX_SUBSCRIPTION_PREVIOUS_KEYS: holds the current NIX_SUBSCRIPTION_KEY');
      expect(configError({ ...rotating, NIX_SUBSCRIPTION_PREVIOUS_KEYS: 'the-old-subscription-key,the-old-subscription-key' }).message).toContain('holds a key twice');
      expect(configError({ ...production, NIX_SUBSCRIPTION_PREVIOUS_KEYS: 'the-old-subscription-key' }).message).toContain('NIX_SUBSCRIPTION_PREVIOUS_KEYS: needs NIX_SUBSCRIPTION_KEY');
    });

    it('refuses the demo keys in production, one key without the other, and a key that is not AES-256', () => {
      expect(configError({ ...production, NIX_SUBSCRIPTION_KEY: DEMO_SUBSCRIPTION_KEY, NIX_NOTIFICATION_KEYS: KEYS }).message).toBe(
        'environment at NIX_SUBSCRIPTION_KEY: is the demo key, which is refused in production',
      );
      expect(configError({ ...production, NIX_SUBSCRIPTION_KEY: 'a-production-subscription-key', NIX_NOTIFICATION_KEYS: DEMO_NOTIFICATION_KEYS }).message).toBe(
        'environment at NIX_NOTIFICATION_KEYS: holds the demo key, which is refused in production',
      );
      expect(configError({ ...production, NIX_SUBSCRIPTION_KEY: 'a-production-subscription-key' }).message).toBe('environment at NIX_NOTIFICATION_KEYS: is required with the other: notifications need both keys');
      expect(configError({ NIX_NOTIFICATION_KEYS: 'k:AAAA' }).message).toContain('NIX_NOTIFICATION_KEYS: has key k of 3 bytes');
    });
  });

  describe('production', () => {
    it('requires NIX_TRACKING_KEY', () => {
      const error = configError({ NODE_ENV: 'production' });
      expect(error.message).toBe('environment at NIX_TRACKING_KEY: is required in production');
    });

    it('refuses the demo tracking key', () => {
      const error = configError({ NODE_ENV: 'production', NIX_TRACKING_KEY: DEMO_TRACKING_KEY });
      expect(error.message).toBe('environment at NIX_TRACKING_KEY: is the demo key, which is refused in production');
    });

    it.each([
      ['NIX_REGISTRY_IDENTITY_BACKEND'],
      ['NIX_REGISTRY_LEGAL_ENTITY_BACKEND'],
    ])('refuses the sample backend set by %s', (name) => {
      const error = configError({ NODE_ENV: 'production', NIX_TRACKING_KEY: PRODUCTION_KEY, NIX_LEDGER_SIGNING_KEY: PRODUCTION_SIGNING_KEY, [name]: 'sample' });
      expect(error.message).toBe(`environment at ${name}: is "sample", which is refused in production`);
    });

    it('starts with its own key and HTTP backends', () => {
      const config = loadConfig({
        NODE_ENV: 'production',
        NIX_TRACKING_KEY: PRODUCTION_KEY,
        NIX_LEDGER_SIGNING_KEY: PRODUCTION_SIGNING_KEY,
        NIX_REGISTRY_IDENTITY_BACKEND: 'http',
        NIX_REGISTRY_IDENTITY_URL: 'https://nocr.example/api',
        NIX_RECEIPT_KEYS: JSON.stringify([receiptKey('2026-02'), receiptKey('2026-01')]),
      });
      expect(config.production).toBe(true);
      expect(config.receipts.keys.map((k) => k.kid)).toEqual(['2026-02', '2026-01']);
      expect(config.ledger.trackingKey).toBe(PRODUCTION_KEY);
      expect(config.registries).toEqual({ identity: { kind: 'http', baseUrl: 'https://nocr.example/api', authorization: undefined } });
    });

    it('requires NIX_RECEIPT_KEYS, and refuses the demo receipt key', () => {
      const base = { NODE_ENV: 'production', NIX_TRACKING_KEY: PRODUCTION_KEY, NIX_LEDGER_SIGNING_KEY: PRODUCTION_SIGNING_KEY };
      expect(configError(base).message).toBe('environment at NIX_RECEIPT_KEYS: is required in production');
      expect(configError({ ...base, NIX_RECEIPT_KEYS: JSON.stringify([receiptKey('new'), DEMO_RECEIPT_KEY]) }).message).toBe(
        'environment at NIX_RECEIPT_KEYS: holds the demo receipt key, which is refused in production',
      );
    });

    it('requires NIX_PAYLOAD_KEYS with the Kafka transport, and refuses the demo payload key', () => {
      const kafka = { NODE_ENV: 'production', NIX_TRACKING_KEY: PRODUCTION_KEY, NIX_RECEIPT_KEYS: RECEIPT_KEYS, NIX_LEDGER_SIGNING_KEY: PRODUCTION_SIGNING_KEY, NIX_TRANSPORT: 'kafka', KAFKA_BROKERS: 'kafka-1:9092', ...SECURE_KAFKA };
      expect(configError(kafka).message).toBe('environment at NIX_PAYLOAD_KEYS: is required in production when NIX_TRANSPORT=kafka');
      const demoKey = DEMO_PAYLOAD_KEYS.split(':')[1];
      for (const keys of [DEMO_PAYLOAD_KEYS, `k2:${Buffer.alloc(32, 5).toString('base64')},${DEMO_PAYLOAD_KEYS}`, `renamed:${demoKey}`]) {
        expect(configError({ ...kafka, NIX_PAYLOAD_KEYS: keys }).message).toBe('environment at NIX_PAYLOAD_KEYS: holds the demo key, which is refused in production');
      }
      const own = `2026-06:${Buffer.alloc(32, 5).toString('base64')}`;
      expect(loadConfig({ ...kafka, NIX_PAYLOAD_KEYS: own }).kafka.payloadKeys).toEqual([{ id: '2026-06', key: Buffer.alloc(32, 5) }]);
      // In-process, nothing is sealed: no key is needed.
      expect(loadConfig({ NODE_ENV: 'production', NIX_TRACKING_KEY: PRODUCTION_KEY, NIX_RECEIPT_KEYS: RECEIPT_KEYS, NIX_LEDGER_SIGNING_KEY: PRODUCTION_SIGNING_KEY }).kafka.payloadKeys).toEqual([]);
    });

    it('requires a ledger signing key of its own, and an Ed25519 one', () => {
      expect(configError({ NODE_ENV: 'production', NIX_TRACKING_KEY: PRODUCTION_KEY, NIX_RECEIPT_KEYS: RECEIPT_KEYS }).message).toBe('environment at NIX_LEDGER_SIGNING_KEY: is required in production');
      expect(configError({ NODE_ENV: 'production', NIX_TRACKING_KEY: PRODUCTION_KEY, NIX_RECEIPT_KEYS: RECEIPT_KEYS, NIX_LEDGER_SIGNING_KEY: DEMO_LEDGER_SIGNING_KEY }).message).toBe(
        'environment at NIX_LEDGER_SIGNING_KEY: is the demo key, which is refused in production',
      );
      expect(configError({ NIX_LEDGER_SIGNING_KEY: 'MC4CAQAwBQYDK2VuBCIEICg5O1IDT0ObVO+PubixEPvMDVuaX+uxLBTwdEW9ScVa' }).message).toBe(
        'environment at NIX_LEDGER_SIGNING_KEY: is a x25519 key, not Ed25519',
      );
      expect(configError({ NIX_LEDGER_SIGNING_KEY: 'not-a-key-at-all-0123456789' }).message).toContain('is not an Ed25519 private key');
    });

    it('accepts the demo key outside production', () => {
      expect(loadConfig({ NODE_ENV: 'development', NIX_TRACKING_KEY: DEMO_TRACKING_KEY }).ledger.trackingKey).toBe(DEMO_TRACKING_KEY);
    });
  });

  describe('receipt keys', () => {
    it('signs with the DEMO receipt key by default, outside production', () => {
      expect(loadConfig({}).receipts.keys).toEqual([DEMO_RECEIPT_KEY]);
    });

    it.each([
      ['not json', 'is not JSON (a JSON array of Ed25519 private JWKs, newest first)'],
      ['[]', 'is not a non-empty JSON array of Ed25519 private JWKs'],
      [JSON.stringify([{ ...receiptKey('a'), kid: undefined }]), 'key 1 has no kid of 1 to 128 letters, digits or ._:-'],
      [JSON.stringify([receiptKey('a'), receiptKey('a')]), 'key 2 repeats the kid "a"'],
      [JSON.stringify([{ ...receiptKey('a'), crv: 'P-256' }]), 'key 1 ("a") is not an Ed25519 key (kty OKP, crv Ed25519)'],
      [JSON.stringify([{ ...receiptKey('a'), d: undefined }]), 'key 1 ("a") has no 32-byte base64url "d" (a private key is needed to sign)'],
    ])('refuses NIX_RECEIPT_KEYS=%s, naming the key and never quoting its material', (value, reason) => {
      expect(configError({ NIX_RECEIPT_KEYS: value }).message).toBe(`environment at NIX_RECEIPT_KEYS: ${reason}`);
    });
  });

  describe('NIX_PAYLOAD_KEYS', () => {
    const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');

    it('reads id:base64key pairs in order: the first seals, all open', () => {
      expect(loadConfig({ NIX_PAYLOAD_KEYS: `new:${key(1)}, old:${key(2)}` }).kafka.payloadKeys).toEqual([
        { id: 'new', key: Buffer.alloc(32, 1) },
        { id: 'old', key: Buffer.alloc(32, 2) },
      ]);
    });

    it.each([
      ['no-colon', 'has an entry (number 1) that is not id:base64key (id of letters, digits, . _ -)'],
      [`ok:${Buffer.alloc(32).toString('base64')},bad id:${Buffer.alloc(32).toString('base64')}`, 'has an entry (number 2) that is not id:base64key (id of letters, digits, . _ -)'],
      [`short:${Buffer.alloc(16).toString('base64')}`, 'has key short of 16 bytes; AES-256 needs 32 (openssl rand -base64 32)'],
      [`a:${Buffer.alloc(32, 1).toString('base64')},a:${Buffer.alloc(32, 2).toString('base64')}`, 'names key a twice; each key needs its own ID'],
    ])('refuses %s, naming the variable', (value, reason) => {
      expect(configError({ NIX_PAYLOAD_KEYS: value }).message).toBe(`environment at NIX_PAYLOAD_KEYS: ${reason}`);
    });
  });

  describe('credentials', () => {
    it('reads NIX_CREDENTIAL_<NAME> into credentials by NAME, without warning', () => {
      const config = loadConfig({ NIX_CREDENTIAL_CADASTRE_TOKEN: 'Bearer s3cret', NIX_CREDENTIAL_POST2: 'key-2', NIX_CREDENTIAL_: 'x' });
      expect(config.credentials).toEqual({ CADASTRE_TOKEN: 'Bearer s3cret', POST2: 'key-2' });
      expect(config.warnings).toEqual(['NIX_CREDENTIAL_ is not a NIX setting and is ignored (a typo?)']);
    });

    it('keeps a credential that looks like a number as text', () => {
      expect(loadConfig({ NIX_CREDENTIAL_PIN: '007' }).credentials).toEqual({ PIN: '007' });
    });

    it('names a lower-case credential variable as not a NIX setting', () => {
      expect(loadConfig({ NIX_CREDENTIAL_token: 'x' }).warnings).toEqual(['NIX_CREDENTIAL_token is not a NIX setting and is ignored (a typo?)']);
    });
  });

  describe('registry backends', () => {
    it('requires the URL of an http backend', () => {
      const error = configError({ NIX_REGISTRY_LEGAL_ENTITY_BACKEND: 'http' });
      expect(error.location).toBe('NIX_REGISTRY_LEGAL_ENTITY_URL');
      expect(error.message).toBe('environment at NIX_REGISTRY_LEGAL_ENTITY_URL: is required when the backend is http');
    });

    it('maps NIX_REGISTRY_LEGAL_ENTITY_* to the legal-entity registry', () => {
      const config = loadConfig({
        NIX_REGISTRY_LEGAL_ENTITY_BACKEND: 'http',
        NIX_REGISTRY_LEGAL_ENTITY_URL: 'http://deeds.example:8080/v2',
        NIX_REGISTRY_LEGAL_ENTITY_AUTHORIZATION: 'Bearer s3cret',
        NIX_REGISTRY_ADDRESS_BACKEND: 'sample',
      });
      expect(config.registries).toEqual({
        'legal-entity': { kind: 'http', baseUrl: 'http://deeds.example:8080/v2', authorization: 'Bearer s3cret' },
        address: { kind: 'sample' },
      });
    });

    it('does not use a URL meant for another registry', () => {
      const error = configError({ NIX_REGISTRY_VEHICLE_BACKEND: 'http', NIX_REGISTRY_IDENTITY_URL: 'http://nocr.example' });
      expect(error.location).toBe('NIX_REGISTRY_VEHICLE_URL');
    });
  });

  describe('unknown variables', () => {
    it('warns about an unknown NIX_ variable instead of failing', () => {
      const config = loadConfig({ NIX_FOO: 'bar', NIX_TRANSPROT: 'kafka' });
      expect(config.warnings).toEqual(
        expect.arrayContaining(['NIX_FOO is not a NIX setting and is ignored (a typo?)', 'NIX_TRANSPROT is not a NIX setting and is ignored (a typo?)']),
      );
      expect(config.warnings).toHaveLength(2);
      expect(config.transport).toBe('in-process');
    });

    it.each([['NIX_SSL_CERT_FILE'], ['NIX_PATH'], ['NIX_PROFILES'], ['NIX_REMOTE'], ['NIX_BUILD_CORES'], ['NIX_CFLAGS_COMPILE']])(
      "ignores the Nix package manager's %s silently",
      (name) => {
        expect(loadConfig({ [name]: '/etc/ssl/certs/ca-bundle.crt' }).warnings).toEqual([]);
      },
    );

    it('ignores variables without the NIX_ prefix', () => {
      expect(loadConfig({ HOME: '/root', PATH: '/usr/bin', FOO: 'bar' }).warnings).toEqual([]);
    });
  });
});
