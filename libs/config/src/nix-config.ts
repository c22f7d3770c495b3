import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv from 'ajv';
import { ConfigurationError } from './configuration-error';

/**
 * Whose X-Forwarded-For hops to believe: none (false), the listed proxies'
 * addresses or CIDRs, or every hop (true, development only). Fastify hands
 * the list to proxy-addr.
 */
export type TrustedProxies = false | true | string[];

/** The listeners a role uses when PORT and NIX_METRICS_PORT are unset: each role has its own, so roles can share a machine. */
export interface RoleDefaults {
  port: number;
  metricsPort: number;
  /** The keys this process signs or seals with: production requires only these (default: all of them). */
  keys?: RoleKeys;
}

/** Which secret keys a process kind uses: the recorder, for one, opens no payload and signs nothing. */
export interface RoleKeys {
  /** NIX_TRACKING_KEY: brokers digest tracking codes and keys with it. */
  tracking: boolean;
  /** NIX_PAYLOAD_KEYS: brokers and adapters seal and open inquiry and reply bodies on Kafka. */
  payload: boolean;
  /** NIX_RECEIPT_KEYS: brokers sign every answer's receipt. */
  receipts: boolean;
  /** NIX_LEDGER_SIGNING_KEY: brokers sign their chain's checkpoints. */
  ledgerSigning: boolean;
}

export const ALL_ROLE_KEYS: RoleKeys = Object.freeze({ tracking: true, payload: true, receipts: true, ledgerSigning: true });

/** The operators' commands (migrate, contracts, ledger:verify) sign and seal nothing: they need none of the keys. */
export const TOOL_DEFAULTS: RoleDefaults = Object.freeze({ port: 3000, metricsPort: 9464, keys: { tracking: false, payload: false, receipts: false, ledgerSigning: false } });

/** HTTPS for the API listener (PEM file paths); with a client CA the broker asks for client certificates (mTLS). */
export interface TlsConfig {
  cert: string;
  key: string;
  clientCa: string | null;
}

export type TransportKind = 'in-process' | 'kafka';
export interface KafkaSslConfig {
  ca: string | null;
}
export interface KafkaSaslConfig {
  mechanism: 'scram-sha-512' | 'scram-sha-256';
  username: string;
  password: string;
}
/** Where a registry's adapter finds the registry: the built-in sample data, or the registry's REST API. */
export type RegistryBackendConfig = { kind: 'sample' } | { kind: 'http'; baseUrl: string; authorization?: string };

export interface NixConfig {
  production: boolean;
  instanceId: string;
  http: {
    host: string;
    port: number;
    bodyLimit: number;
    trustProxy: TrustedProxies;
    tls: TlsConfig | null;
    /** NIX_MAX_IN_FLIGHT: inquiries this process answers at once; beyond it a fast 503 overloaded (issue 15). */
    maxInFlight: number;
    /** NIX_ADMISSION_TARGET_MS: with a standing queue, an inquiry that has waited longer (the last event-loop turn and its place in its own) gets a fast 503 overloaded; 0 never. */
    admissionTargetMs: number;
  };
  /** Whether keys not bound to a client certificate are accepted (always in development; in production only when allowed). */
  allowBearerOnly: boolean;
  /** The Prometheus listener: its own port, never the API's, on loopback unless told otherwise. */
  metrics: { host: string; port: number };
  transport: TransportKind;
  kafka: {
    brokers: string[];
    clientId: string;
    topicPrefix: string;
    partitions: number;
    replicationFactor: number;
    inquiryRetentionMs: number;
    trafficRetentionMs: number;
    /** AES-256-GCM keys of inquiry and reply bodies on Kafka, from NIX_PAYLOAD_KEYS: the first seals, all open. */
    payloadKeys: { id: string; key: Buffer }[];
    /** TLS to the Kafka brokers (KAFKA_SSL); ca is the PEM of KAFKA_SSL_CA_FILE, or null for the system's CAs. */
    ssl: KafkaSslConfig | null;
    /** The SASL user this process authenticates as (KAFKA_SASL_*): its ACLs decide what it may read and write. */
    sasl: KafkaSaslConfig | null;
  };
  paths: { schemas: string; contracts: string; data: string };
  database: { url: string | null };
  ledger: {
    /** Key of the digest that replaces consumers' tracking codes in the ledger. */
    /** Null only in a process that digests nothing (RoleKeys.tracking false) and was given no key. */
    trackingKey: string | null;
    retentionMonths: number;
    bufferLimit: number;
    flushIntervalMs: number;
    batchSize: number;
    /** Written nothing for this many seconds while records wait: /health/ready fails. */
    stallSeconds: number;
    /** batched: the answer leaves before its record is on disk; sync: after (journal synced, or stored). */
    durability: 'batched' | 'sync';
    /** The tamper-evident chain's checkpoints: Ed25519 private key (PKCS#8 DER, base64), and how often one is signed. */
    /** Null only in a process that chains nothing (RoleKeys.ledgerSigning false) and was given no key. */
    chain: { signingKey: string | null; checkpointEvery: number; checkpointMs: number; trustedKeys: string[] };
  };
  breaker: { volumeThreshold: number; errorThresholdPercentage: number; resetTimeoutMs: number; rollingCountTimeoutMs: number };
  registries: Record<string, RegistryBackendConfig>;
  /**
   * Secrets that registry bindings send by name (`{"credential": "CADASTRE_TOKEN"}` in a header), from
   * NIX_CREDENTIAL_<NAME>: held in configuration only, never in the store or a log.
   */
  credentials: Record<string, string>;
  adapterRegistries: string[] | null;
  /** Registries whose published http bindings this process serves; null: every one the catalogue has. */
  publishedRegistries: string[] | null;
  log: { level: string; exchanges: boolean };
  shutdown: { drainMs: number };
  /**
   * Keys that sign the NIX-Receipt of every answer: Ed25519 private JWKs, each with a kid. The first signs; the
   * others are older keys, still published at /.well-known/jwks.json so that their receipts verify (rotation).
   */
  receipts: { keys: ReceiptKey[] };
  /** How often a broker asks the store whether governance changed (changes made through this broker apply at once). */
  governance: { pollMs: number };
  /**
   * Operations calls on the metrics listener (POST /ops/backup): from loopback only, unless a bearer token is set,
   * which is then required of every caller.
   */
  ops: { token: string | null };
  /** Synthetic probes (R17): each published service called every intervalSeconds under the probe agency. */
  probes: { enabled: boolean; intervalSeconds: number };
  /**
   * Identity-change notifications (issue 14): the HMAC key of subscribed persons' pseudonyms, the AES-256-GCM keys of
   * pending notifications (the first seals, all open), how long an unacknowledged one is kept, and whether webhooks
   * may point to private or loopback addresses. No keys (production without them): the notification endpoints answer 503.
   */
  notifications: { subscriptionKey: string | null; previousSubscriptionKeys: string[]; keys: { id: string; key: Buffer }[]; retentionDays: number; webhookAllowPrivate: boolean };
  /** Settings that look like NIX's but are not: logged at start. */
  warnings: string[];
}

/** The Nix package manager's variables share the prefix. */
const FOREIGN_NIX_VARIABLES = /^NIX_(PATH|SSL_CERT_FILE|PROFILES|REMOTE|USER_PROFILE_DIR|CONF_DIR|STORE|BUILD_.*|CC.*|CFLAGS.*|LDFLAGS.*|HARDENING.*)$/;

/** The demo tracking key: for the embedded default only, refused in production. */
export const DEMO_TRACKING_KEY = 'demo-tracking-key-not-for-production';

/** An Ed25519 private key as a JWK (RFC 8037), named by its kid. */
export interface ReceiptKey {
  kty: 'OKP';
  crv: 'Ed25519';
  kid: string;
  x: string;
  d: string;
}

/**
 * DEMO receipt key: published in this source, so its receipts prove nothing. For the embedded default only;
 * refused in production.
 */
export const DEMO_RECEIPT_KEY: ReceiptKey = Object.freeze({
  kty: 'OKP',
  crv: 'Ed25519',
  kid: 'nix-demo-receipt-key-not-for-production',
  x: 'a2A8wIakRt_MxB1QHNicd04p5kSrSc_wmBsrtBYSpwI',
  d: 'wktBtGNvo92Vff9ijr25wbmVV8rEbBa-dIZhlEY3u_o',
});

/**
 * The demo payload key (NIX_PAYLOAD_KEYS format): published here, so it seals nothing; for development only,
 * refused in production. Its ID says so in every message's nix-key-id header.
 */
export const DEMO_PAYLOAD_KEYS = 'demo-not-for-production:bml4LWRlbW8tcGF5bG9hZC1rZXktbm90LWZvci1wcm8=';
/**
 * The demo key that signs ledger checkpoints (Ed25519, PKCS#8 DER in base64): for the embedded default only,
 * refused in production. Anyone can read it here, so checkpoints signed with it prove nothing.
 */
export const DEMO_LEDGER_SIGNING_KEY = 'MC4CAQAwBQYDK2VwBCIEIOL/nBD0BRGfrK4qqrPlT3zHSFnwD9W/e5bFckARg333';

/** The demo key of subscription pseudonyms (NIX_SUBSCRIPTION_KEY): published here, for development only, refused in production. */
export const DEMO_SUBSCRIPTION_KEY = 'demo-subscription-key-not-for-production';
/** The demo key of pending notifications (NIX_NOTIFICATION_KEYS format): for development only, refused in production. */
export const DEMO_NOTIFICATION_KEYS = 'demo-notifications-not-for-production:bml4LWRlbW8tbm90aWZpY2F0aW9uLWtleS1ub3QtZm8=';

/** Every environment variable NIX reads, with its type and default. The README's table follows this. */
export const ENV_SCHEMA = {
  type: 'object',
  properties: {
    NODE_ENV: { type: 'string', default: 'development' },
    HOST: { type: 'string', default: '0.0.0.0' },
    // PORT and NIX_METRICS_PORT default per role (RoleDefaults): 3000 and 9464 for the embedded default.
    PORT: { type: 'integer', minimum: 0, maximum: 65535 },
    NIX_METRICS_HOST: { type: 'string', minLength: 1, default: '127.0.0.1' },
    NIX_METRICS_PORT: { type: 'integer', minimum: 0, maximum: 65535 },
    NIX_TRUST_PROXY: { type: 'string', minLength: 1, default: 'false' },
    NIX_TLS_CERT: { type: 'string', minLength: 1 },
    NIX_TLS_KEY: { type: 'string', minLength: 1 },
    NIX_TLS_CLIENT_CA: { type: 'string', minLength: 1 },
    NIX_ALLOW_BEARER_ONLY: { enum: ['true', 'false'], default: 'false' },
    NIX_INSTANCE_ID: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
    NIX_TRANSPORT: { enum: ['in-process', 'kafka'], default: 'in-process' },
    KAFKA_BROKERS: { type: 'string', pattern: '^[^,\\s]+:\\d+(,[^,\\s]+:\\d+)*$' },
    KAFKA_SSL: { enum: ['true', 'false'], default: 'false' },
    KAFKA_SSL_CA_FILE: { type: 'string', minLength: 1 },
    KAFKA_SASL_MECHANISM: { enum: ['scram-sha-512', 'scram-sha-256'] },
    KAFKA_SASL_USERNAME: { type: 'string', minLength: 1 },
    KAFKA_SASL_PASSWORD: { type: 'string', minLength: 1 },
    KAFKA_SASL_PASSWORD_FILE: { type: 'string', minLength: 1 },
    NIX_KAFKA_ALLOW_INSECURE: { enum: ['true', 'false'], default: 'false' },
    NIX_KAFKA_TOPIC_PREFIX: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,40}$', default: 'nix' },
    NIX_KAFKA_PARTITIONS: { type: 'integer', minimum: 1, maximum: 1000, default: 6 },
    NIX_KAFKA_REPLICATION_FACTOR: { type: 'integer', minimum: 1, maximum: 7, default: 1 },
    NIX_KAFKA_INQUIRY_RETENTION_MS: { type: 'integer', minimum: 60000, default: 300000 },
    NIX_KAFKA_TRAFFIC_RETENTION_MS: { type: 'integer', minimum: 3600000, default: 2592000000 },
    NIX_SCHEMAS_DIR: { type: 'string', minLength: 1, default: 'schemas' },
    NIX_CONTRACTS_DIR: { type: 'string', minLength: 1, default: 'contracts' },
    NIX_DATA_DIR: { type: 'string', minLength: 1, default: 'data' },
    DATABASE_URL: { type: 'string', pattern: '^postgres(ql)?://' },
    NIX_TRACKING_KEY: { type: 'string', minLength: 16 },
    NIX_RECEIPT_KEYS: { type: 'string', minLength: 2 },
    NIX_PAYLOAD_KEYS: { type: 'string', minLength: 1 },
    NIX_RETENTION_MONTHS: { type: 'integer', minimum: 1, maximum: 120, default: 25 },
    NIX_LEDGER_BUFFER_LIMIT: { type: 'integer', minimum: 1000, default: 200000 },
    NIX_LEDGER_FLUSH_MS: { type: 'integer', minimum: 10, maximum: 60000, default: 200 },
    NIX_LEDGER_BATCH_SIZE: { type: 'integer', minimum: 1, maximum: 50000, default: 2000 },
    NIX_LEDGER_STALL_S: { type: 'integer', minimum: 1, maximum: 86400, default: 60 },
    NIX_LEDGER_DURABILITY: { enum: ['batched', 'sync'], default: 'batched' },
    NIX_LEDGER_SIGNING_KEY: { type: 'string', minLength: 16 },
    NIX_LEDGER_TRUSTED_KEYS: { type: 'string' },
    NIX_LEDGER_CHECKPOINT_EVERY: { type: 'integer', minimum: 1, maximum: 10000000, default: 1000 },
    NIX_LEDGER_CHECKPOINT_S: { type: 'integer', minimum: 1, maximum: 86400, default: 60 },
    NIX_BREAKER_VOLUME_THRESHOLD: { type: 'integer', minimum: 1, default: 20 },
    NIX_BREAKER_ERROR_PERCENT: { type: 'integer', minimum: 1, maximum: 100, default: 50 },
    NIX_BREAKER_RESET_MS: { type: 'integer', minimum: 100, default: 5000 },
    NIX_BREAKER_WINDOW_MS: { type: 'integer', minimum: 1000, default: 10000 },
    NIX_ADAPTER_REGISTRIES: { type: 'string', pattern: '^[a-z][a-z0-9-]*(,[a-z][a-z0-9-]*)*$' },
    NIX_ADAPTER_PUBLISHED_REGISTRIES: { type: 'string', default: '*', pattern: '^(\\*|[a-z][a-z0-9-]*(,[a-z][a-z0-9-]*)*)$' },
    NIX_LOG_LEVEL: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info' },
    NIX_LOG_EXCHANGES: { type: 'boolean', default: false },
    NIX_SHUTDOWN_DRAIN_MS: { type: 'integer', minimum: 0, maximum: 120000, default: 10000 },
    NIX_MAX_IN_FLIGHT: { type: 'integer', minimum: 1, maximum: 100000, default: 128 },
    NIX_ADMISSION_TARGET_MS: { type: 'integer', minimum: 0, maximum: 10000, default: 80 },
    NIX_GOVERNANCE_POLL_MS: { type: 'integer', minimum: 50, maximum: 2000, default: 500 },
    NIX_OPS_TOKEN: { type: 'string', minLength: 32 },
    NIX_PROBES: { type: 'boolean', default: true },
    NIX_PROBE_INTERVAL_S: { type: 'integer', minimum: 1, maximum: 3600, default: 60 },
    NIX_SUBSCRIPTION_KEY: { type: 'string', minLength: 16 },
    NIX_SUBSCRIPTION_PREVIOUS_KEYS: { type: 'string', minLength: 1 },
    NIX_NOTIFICATION_KEYS: { type: 'string', minLength: 1 },
    NIX_NOTIFICATION_RETENTION_DAYS: { type: 'integer', minimum: 1, maximum: 90, default: 7 },
    NIX_WEBHOOK_ALLOW_PRIVATE: { enum: ['true', 'false'], default: 'false' },
  },
  patternProperties: {
    '^NIX_REGISTRY_[A-Z0-9_]+_BACKEND$': { enum: ['sample', 'http'] },
    '^NIX_REGISTRY_[A-Z0-9_]+_URL$': { type: 'string', pattern: '^https?://' },
    '^NIX_REGISTRY_[A-Z0-9_]+_AUTHORIZATION$': { type: 'string', minLength: 1 },
    '^NIX_CREDENTIAL_[A-Z0-9_]+$': { type: 'string', minLength: 1 },
  },
} as const;

const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true, strict: false });
const validateEnv = ajv.compile(ENV_SCHEMA);

/**
 * Reads and checks the configuration once, at start. Anything wrong stops
 * the process with a message that names the variable and the reason.
 */
export function loadConfig(env = process.env, defaults: RoleDefaults = { port: 3000, metricsPort: 9464 }): NixConfig {
  const known = Object.keys(ENV_SCHEMA.properties);
  const patterns = Object.keys(ENV_SCHEMA.patternProperties).map((p) => new RegExp(p));
  const values: Record<string, unknown> = {};
  const warnings: string[] = [];
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    if (known.includes(key) || patterns.some((p) => p.test(key))) values[key] = value;
    else if (key.startsWith('NIX_') && !FOREIGN_NIX_VARIABLES.test(key)) warnings.push(`${key} is not a NIX setting and is ignored (a typo?)`);
  }
  if (!validateEnv(values)) {
    const reasons = validateEnv.errors!.map((e) => `${e.instancePath.slice(1) || 'environment'} ${e.message}`).join('; ');
    throw new ConfigurationError('environment', '', reasons);
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the environment, checked by its JSON Schema above
  const v = values as Record<string, any>;
  const production = v.NODE_ENV === 'production';
  const fail = (key: string, reason: string): never => {
    throw new ConfigurationError('environment', key, reason);
  };

  const trustProxy = trustedProxiesOf(String(v.NIX_TRUST_PROXY), production, fail);
  if (trustProxy === true) {
    warnings.push('NIX_TRUST_PROXY=true trusts every X-Forwarded-For hop, so any caller can pass a key\'s network binding; list the proxies\' addresses instead (refused in production)');
  }
  if (Boolean(v.NIX_TLS_CERT) !== Boolean(v.NIX_TLS_KEY)) fail(v.NIX_TLS_CERT ? 'NIX_TLS_KEY' : 'NIX_TLS_CERT', 'is required with the other: HTTPS needs both the certificate and its key');
  if (v.NIX_TLS_CLIENT_CA && !v.NIX_TLS_CERT) fail('NIX_TLS_CERT', 'is required with NIX_TLS_CLIENT_CA: client certificates are asked for over HTTPS');
  const tls: TlsConfig | null = v.NIX_TLS_CERT
    ? { cert: resolve(String(v.NIX_TLS_CERT)), key: resolve(String(v.NIX_TLS_KEY)), clientCa: v.NIX_TLS_CLIENT_CA ? resolve(String(v.NIX_TLS_CLIENT_CA)) : null }
    : null;
  const allowBearerOnly = !production || v.NIX_ALLOW_BEARER_ONLY === 'true';
  if (production && v.NIX_ALLOW_BEARER_ONLY === 'true') warnings.push('NIX_ALLOW_BEARER_ONLY=true accepts API keys not bound to a client certificate in production');
  const port: number = v.PORT ?? defaults.port;
  const metricsPort: number = v.NIX_METRICS_PORT ?? defaults.metricsPort;
  if (port !== 0 && port === metricsPort) fail('NIX_METRICS_PORT', `is ${metricsPort}, the API port (PORT); metrics need a listener of their own`);

  if (v.NIX_TRANSPORT === 'kafka' && !v.KAFKA_BROKERS) fail('KAFKA_BROKERS', 'is required when NIX_TRANSPORT=kafka');
  const { ssl: kafkaSsl, sasl: kafkaSasl } = kafkaSecurityOf(v, fail);
  const keys = defaults.keys ?? ALL_ROLE_KEYS;
  const trackingKey: string | null =
    v.NIX_TRACKING_KEY ?? (!production ? DEMO_TRACKING_KEY : keys.tracking ? fail('NIX_TRACKING_KEY', 'is required in production') : null);
  if (production && trackingKey === DEMO_TRACKING_KEY) fail('NIX_TRACKING_KEY', 'is the demo key, which is refused in production');
  const trustedKeys: string[] = String(v.NIX_LEDGER_TRUSTED_KEYS ?? '').split(',').map((k) => k.trim()).filter((k) => k !== '');
  const signingKey: string | null =
    v.NIX_LEDGER_SIGNING_KEY ?? (!production ? DEMO_LEDGER_SIGNING_KEY : keys.ledgerSigning ? fail('NIX_LEDGER_SIGNING_KEY', 'is required in production') : null);
  if (production && signingKey === DEMO_LEDGER_SIGNING_KEY) fail('NIX_LEDGER_SIGNING_KEY', 'is the demo key, which is refused in production');
  if (signingKey !== null) {
    try {
      const key = createPrivateKey({ key: Buffer.from(signingKey, 'base64'), format: 'der', type: 'pkcs8' });
      if (key.asymmetricKeyType !== 'ed25519') fail('NIX_LEDGER_SIGNING_KEY', `is a ${key.asymmetricKeyType} key, not Ed25519`);
    } catch (error) {
      if (error instanceof ConfigurationError) throw error;
      fail('NIX_LEDGER_SIGNING_KEY', 'is not an Ed25519 private key (PKCS#8 DER in base64)');
    }
  }

  // Only Kafka carries sealed bodies: an in-process NIX in production needs no payload key.
  const payloadKeysText: string | undefined =
    v.NIX_PAYLOAD_KEYS ?? (!production ? DEMO_PAYLOAD_KEYS : v.NIX_TRANSPORT === 'kafka' && keys.payload ? fail('NIX_PAYLOAD_KEYS', 'is required in production when NIX_TRANSPORT=kafka') : undefined);
  const payloadKeys = payloadKeysText === undefined ? [] : payloadKeysOf(payloadKeysText, fail);
  const demoPayloadKey = payloadKeysOf(DEMO_PAYLOAD_KEYS, fail)[0];
  if (production && payloadKeys.some((k) => k.id === demoPayloadKey.id || k.key.equals(demoPayloadKey.key))) {
    fail('NIX_PAYLOAD_KEYS', 'holds the demo key, which is refused in production');
  }
  // Sealed bodies keep content from Kafka's disks and operators; TLS and a user per role keep the rest of the
  // traffic (and injected replies) from anyone who reaches the brokers.
  if (production && v.NIX_TRANSPORT === 'kafka' && (!kafkaSsl || !kafkaSasl)) {
    if (v.NIX_KAFKA_ALLOW_INSECURE !== 'true') {
      fail(
        kafkaSsl ? 'KAFKA_SASL_MECHANISM' : 'KAFKA_SSL',
        `is required in production with NIX_TRANSPORT=kafka (${kafkaSsl ? 'an authenticated Kafka user: KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD or _FILE' : 'KAFKA_SSL=true'}); NIX_KAFKA_ALLOW_INSECURE=true allows ${kafkaSsl ? 'unauthenticated' : 'plaintext'} Kafka`,
      );
    }
    warnings.push(`NIX_KAFKA_ALLOW_INSECURE=true: Kafka is ${[!kafkaSsl && 'plaintext (no KAFKA_SSL)', !kafkaSasl && 'unauthenticated (no KAFKA_SASL_MECHANISM)'].filter(Boolean).join(' and ')} in production`);
  }

  // In production, notifications are served only once both keys are set (their endpoints answer 503 until then).
  const subscriptionKey: string | null = v.NIX_SUBSCRIPTION_KEY ?? (production ? null : DEMO_SUBSCRIPTION_KEY);
  if (production && subscriptionKey === DEMO_SUBSCRIPTION_KEY) fail('NIX_SUBSCRIPTION_KEY', 'is the demo key, which is refused in production');
  // Older pseudonym keys, newest first, still matched while subscriptions are re-keyed (a rotation).
  const previousSubscriptionKeys: string[] = v.NIX_SUBSCRIPTION_PREVIOUS_KEYS === undefined ? [] : String(v.NIX_SUBSCRIPTION_PREVIOUS_KEYS).split(',').map((k: string) => k.trim());
  if (previousSubscriptionKeys.length > 0) {
    if (!subscriptionKey) fail('NIX_SUBSCRIPTION_PREVIOUS_KEYS', 'needs NIX_SUBSCRIPTION_KEY, the current key');
    if (previousSubscriptionKeys.some((k) => k.length < 16)) fail('NIX_SUBSCRIPTION_PREVIOUS_KEYS', 'holds a key shorter than 16 characters (keys are separated by commas)');
    if (previousSubscriptionKeys.includes(subscriptionKey ?? '')) fail('NIX_SUBSCRIPTION_PREVIOUS_KEYS', 'holds the current NIX_SUBSCRIPTION_KEY');
    if (new Set(previousSubscriptionKeys).size !== previousSubscriptionKeys.length) fail('NIX_SUBSCRIPTION_PREVIOUS_KEYS', 'holds a key twice');
    if (production && previousSubscriptionKeys.includes(DEMO_SUBSCRIPTION_KEY)) fail('NIX_SUBSCRIPTION_PREVIOUS_KEYS', 'holds the demo key, which is refused in production');
  }
  const notificationKeysText: string | undefined = v.NIX_NOTIFICATION_KEYS ?? (production ? undefined : DEMO_NOTIFICATION_KEYS);
  const notificationKeys = notificationKeysText === undefined ? [] : keyListOf('NIX_NOTIFICATION_KEYS', notificationKeysText, fail);
  if (Boolean(subscriptionKey) !== notificationKeys.length > 0) {
    fail(subscriptionKey ? 'NIX_NOTIFICATION_KEYS' : 'NIX_SUBSCRIPTION_KEY', 'is required with the other: notifications need both keys');
  }
  const demoNotificationKey = keyListOf('NIX_NOTIFICATION_KEYS', DEMO_NOTIFICATION_KEYS, fail)[0];
  if (production && notificationKeys.some((k) => k.id === demoNotificationKey.id || k.key.equals(demoNotificationKey.key))) {
    fail('NIX_NOTIFICATION_KEYS', 'holds the demo key, which is refused in production');
  }

  const registries: Record<string, RegistryBackendConfig> = {};
  for (const key of Object.keys(v)) {
    const match = /^NIX_REGISTRY_([A-Z0-9_]+)_BACKEND$/.exec(key);
    if (!match) continue;
    const name = match[1].toLowerCase().replace(/_/g, '-');
    if (v[key] === 'sample') {
      registries[name] = { kind: 'sample' };
    } else {
      const baseUrl: string = v[`NIX_REGISTRY_${match[1]}_URL`] ?? fail(`NIX_REGISTRY_${match[1]}_URL`, 'is required when the backend is http');
      registries[name] = { kind: 'http', baseUrl, authorization: v[`NIX_REGISTRY_${match[1]}_AUTHORIZATION`] };
    }
  }
  const credentials: Record<string, string> = {};
  for (const key of Object.keys(v)) {
    const match = /^NIX_CREDENTIAL_([A-Z0-9_]+)$/.exec(key);
    if (match) credentials[match[1]] = String(v[key]);
  }
  if (production) {
    const sample = Object.entries(registries).find(([, b]) => b.kind === 'sample');
    if (sample) fail(`NIX_REGISTRY_${sample[0].toUpperCase().replace(/-/g, '_')}_BACKEND`, 'is "sample", which is refused in production');
  }

  const receiptKeys = v.NIX_RECEIPT_KEYS === undefined
    ? (!production ? [DEMO_RECEIPT_KEY] : keys.receipts ? fail('NIX_RECEIPT_KEYS', 'is required in production') : [])
    : receiptKeysOf(String(v.NIX_RECEIPT_KEYS), (reason) => fail('NIX_RECEIPT_KEYS', reason));
  if (production && receiptKeys.some((k) => k.kid === DEMO_RECEIPT_KEY.kid || k.d === DEMO_RECEIPT_KEY.d)) {
    fail('NIX_RECEIPT_KEYS', 'holds the demo receipt key, which is refused in production');
  }

  return {
    production,
    instanceId: v.NIX_INSTANCE_ID ?? `${hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 40)}-${process.pid}-${randomBytes(3).toString('hex')}`,
    http: { host: v.HOST, port, bodyLimit: 64 * 1024, trustProxy, tls, maxInFlight: v.NIX_MAX_IN_FLIGHT, admissionTargetMs: v.NIX_ADMISSION_TARGET_MS },
    allowBearerOnly,
    metrics: { host: v.NIX_METRICS_HOST, port: metricsPort },
    transport: v.NIX_TRANSPORT,
    kafka: {
      brokers: v.KAFKA_BROKERS ? String(v.KAFKA_BROKERS).split(',') : [],
      clientId: 'nix',
      topicPrefix: v.NIX_KAFKA_TOPIC_PREFIX,
      partitions: v.NIX_KAFKA_PARTITIONS,
      replicationFactor: v.NIX_KAFKA_REPLICATION_FACTOR,
      inquiryRetentionMs: v.NIX_KAFKA_INQUIRY_RETENTION_MS,
      trafficRetentionMs: v.NIX_KAFKA_TRAFFIC_RETENTION_MS,
      payloadKeys,
      ssl: kafkaSsl,
      sasl: kafkaSasl,
    },
    paths: { schemas: resolve(v.NIX_SCHEMAS_DIR), contracts: resolve(v.NIX_CONTRACTS_DIR), data: resolve(v.NIX_DATA_DIR) },
    database: { url: v.DATABASE_URL ?? null },
    ledger: {
      trackingKey,
      retentionMonths: v.NIX_RETENTION_MONTHS,
      bufferLimit: v.NIX_LEDGER_BUFFER_LIMIT,
      flushIntervalMs: v.NIX_LEDGER_FLUSH_MS,
      batchSize: v.NIX_LEDGER_BATCH_SIZE,
      stallSeconds: v.NIX_LEDGER_STALL_S,
      durability: v.NIX_LEDGER_DURABILITY,
      chain: { signingKey, checkpointEvery: v.NIX_LEDGER_CHECKPOINT_EVERY, checkpointMs: v.NIX_LEDGER_CHECKPOINT_S * 1000, trustedKeys },
    },
    breaker: {
      volumeThreshold: v.NIX_BREAKER_VOLUME_THRESHOLD,
      errorThresholdPercentage: v.NIX_BREAKER_ERROR_PERCENT,
      resetTimeoutMs: v.NIX_BREAKER_RESET_MS,
      rollingCountTimeoutMs: v.NIX_BREAKER_WINDOW_MS,
    },
    registries,
    credentials,
    adapterRegistries: v.NIX_ADAPTER_REGISTRIES ? String(v.NIX_ADAPTER_REGISTRIES).split(',') : null,
    publishedRegistries: v.NIX_ADAPTER_PUBLISHED_REGISTRIES === '*' ? null : String(v.NIX_ADAPTER_PUBLISHED_REGISTRIES).split(','),
    log: { level: v.NIX_LOG_LEVEL, exchanges: v.NIX_LOG_EXCHANGES },
    shutdown: { drainMs: v.NIX_SHUTDOWN_DRAIN_MS },
    governance: { pollMs: v.NIX_GOVERNANCE_POLL_MS },
    ops: { token: v.NIX_OPS_TOKEN ?? null },
    probes: { enabled: v.NIX_PROBES, intervalSeconds: v.NIX_PROBE_INTERVAL_S },
    notifications: {
      subscriptionKey,
      previousSubscriptionKeys,
      keys: notificationKeys,
      retentionDays: v.NIX_NOTIFICATION_RETENTION_DAYS,
      webhookAllowPrivate: v.NIX_WEBHOOK_ALLOW_PRIVATE === 'true',
    },
    receipts: { keys: receiptKeys },
    warnings,
  };
}

/**
 * Reads KAFKA_SSL, KAFKA_SSL_CA_FILE and KAFKA_SASL_*: the CA and the password file are read here, so a missing
 * file stops the process at start. The password is never part of a reason.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the environment, checked by its JSON Schema
function kafkaSecurityOf(v: Record<string, any>, fail: (key: string, reason: string) => never): { ssl: KafkaSslConfig | null; sasl: KafkaSaslConfig | null } {
  const readText = (key: string): string => {
    try {
      return readFileSync(resolve(String(v[key])), 'utf8');
    } catch (error) {
      return fail(key, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}: ${resolve(String(v[key]))})`);
    }
  };
  if (v.KAFKA_SSL_CA_FILE && v.KAFKA_SSL !== 'true') fail('KAFKA_SSL', 'must be true with KAFKA_SSL_CA_FILE: the CA checks the brokers\' TLS certificates');
  let ssl: KafkaSslConfig | null = null;
  if (v.KAFKA_SSL === 'true') {
    const ca = v.KAFKA_SSL_CA_FILE ? readText('KAFKA_SSL_CA_FILE') : null;
    if (ca !== null && !ca.includes('-----BEGIN CERTIFICATE-----')) fail('KAFKA_SSL_CA_FILE', 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)');
    ssl = { ca };
  }
  if (!v.KAFKA_SASL_MECHANISM) {
    const stray = ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE'].find((key) => v[key] !== undefined);
    if (stray) fail('KAFKA_SASL_MECHANISM', `is required with ${stray} (scram-sha-512)`);
    return { ssl, sasl: null };
  }
  const username: string = v.KAFKA_SASL_USERNAME ?? fail('KAFKA_SASL_USERNAME', 'is required with KAFKA_SASL_MECHANISM');
  if (v.KAFKA_SASL_PASSWORD !== undefined && v.KAFKA_SASL_PASSWORD_FILE !== undefined) fail('KAFKA_SASL_PASSWORD_FILE', 'and KAFKA_SASL_PASSWORD are both set; give one');
  const password =
    v.KAFKA_SASL_PASSWORD !== undefined
      ? String(v.KAFKA_SASL_PASSWORD)
      : v.KAFKA_SASL_PASSWORD_FILE !== undefined
        ? readText('KAFKA_SASL_PASSWORD_FILE').replace(/\r?\n$/, '')
        : fail('KAFKA_SASL_PASSWORD', 'or KAFKA_SASL_PASSWORD_FILE is required with KAFKA_SASL_MECHANISM');
  if (password === '') fail('KAFKA_SASL_PASSWORD_FILE', 'holds an empty password');
  return { ssl, sasl: { mechanism: v.KAFKA_SASL_MECHANISM, username: String(username), password } };
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Reads NIX_RECEIPT_KEYS: a JSON array of Ed25519 private JWKs (newest first), each with a distinct kid. The
 * reasons name the key by its position and kid, never quote key material.
 */
function receiptKeysOf(text: string, fail: (reason: string) => never): ReceiptKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail('is not JSON (a JSON array of Ed25519 private JWKs, newest first)');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return fail('is not a non-empty JSON array of Ed25519 private JWKs');
  const kids = new Set<string>();
  return parsed.map((key: unknown, i) => {
    const k = (typeof key === 'object' && key !== null ? key : {}) as Record<string, unknown>;
    const at = `key ${i + 1}`;
    if (typeof k.kid !== 'string' || !/^[A-Za-z0-9._:-]{1,128}$/.test(k.kid)) fail(`${at} has no kid of 1 to 128 letters, digits or ._:-`);
    const kid = k.kid;
    if (kids.has(kid)) fail(`${at} repeats the kid "${kid}"`);
    kids.add(kid);
    if (k.kty !== 'OKP' || k.crv !== 'Ed25519') fail(`${at} ("${kid}") is not an Ed25519 key (kty OKP, crv Ed25519)`);
    for (const part of ['x', 'd'] as const) {
      const value = k[part];
      if (typeof value !== 'string' || !BASE64URL.test(value) || Buffer.from(value, 'base64url').length !== 32) {
        fail(`${at} ("${kid}") has no 32-byte base64url "${part}"${part === 'd' ? ' (a private key is needed to sign)' : ''}`);
      }
    }
    return { kty: 'OKP', crv: 'Ed25519', kid, x: k.x as string, d: k.d as string };
  });
}

/** Reads NIX_PAYLOAD_KEYS: `id:base64key` pairs separated by commas, each key 32 bytes (AES-256), IDs distinct. */
function payloadKeysOf(text: string, fail: (key: string, reason: string) => never): { id: string; key: Buffer }[] {
  return keyListOf('NIX_PAYLOAD_KEYS', text, fail);
}

/** Reads an AES-256 key list (NIX_PAYLOAD_KEYS, NIX_NOTIFICATION_KEYS): `id:base64key` pairs, each key 32 bytes, IDs distinct. */
function keyListOf(variable: string, text: string, fail: (key: string, reason: string) => never): { id: string; key: Buffer }[] {
  const keys = text.split(',').map((entry, index) => {
    const match = /^([A-Za-z0-9._-]{1,64}):([A-Za-z0-9+/]+={0,2})$/.exec(entry.trim());
    if (!match) fail(variable, `has an entry (number ${index + 1}) that is not id:base64key (id of letters, digits, . _ -)`);
    const key = Buffer.from(match[2], 'base64');
    if (key.length !== 32) fail(variable, `has key ${match[1]} of ${key.length} bytes; AES-256 needs 32 (openssl rand -base64 32)`);
    return { id: match[1], key };
  });
  const ids = keys.map((k) => k.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) fail(variable, `names key ${twice} twice; each key needs its own ID`);
  return keys;
}

/** Named ranges proxy-addr knows, besides addresses and CIDRs. */
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Reads NIX_TRUST_PROXY: false, true (refused in production), or proxies' addresses and CIDRs separated by commas. */
function trustedProxiesOf(text: string, production: boolean, fail: (key: string, reason: string) => never): TrustedProxies {
  const value = text.trim();
  if (value === 'false') return false;
  if (value === 'true') {
    if (production) fail('NIX_TRUST_PROXY', 'is true, which trusts every X-Forwarded-For hop and is refused in production; list the proxies\' addresses or CIDRs');
    return true;
  }
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (!isProxyRange(entry)) {
      fail('NIX_TRUST_PROXY', `has "${entry}", which is not an IP address, a CIDR or one of ${[...PROXY_RANGE_NAMES].join(', ')}; give false, or the proxies' addresses separated by commas`);
    }
  }
  return entries;
}

function isProxyRange(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}
