/**
 * deploy/k8s renders (kubectl kustomize) and holds together: every object against the Kubernetes schemas
 * (kubernetes-models; the ServiceMonitor against the Prometheus Operator's), every Secret and ConfigMap named
 * exists, ports match what NIX listens on, probe paths are answered by the real app, NetworkPolicies open only
 * the broker's API to the outside and metrics to the monitoring namespace, settings are NIX's and make a
 * configuration NIX accepts (files read at start included), each role reaches Kafka as a user of its own that the
 * ACL Job grants that role. Broken copies of the manifests are rejected by the same checks.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { ServiceCatalog } from '@nix/catalog';
import { loadConfig } from '@nix/config';
import { eventually } from '../support/polling';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  allFindings,
  checkContext,
  documentedSecrets,
  K8S_DIR,
  kafkaUserFindings,
  networkFindings,
  OVERLAYS,
  probeFindings,
  referenceFindings,
  render,
  ROOT,
  schemaFindings,
  serviceFindings,
  settingFindings,
  workloadFindings,
  type CheckContext,
  type K8sObject,
  type ProbeRequest,
} from '../support/k8s-manifests';

const catalog = ServiceCatalog.load(join(ROOT, 'schemas'));
const runbook = readFileSync(join(ROOT, 'deploy/README.md'), 'utf8');
/** Production's Secrets are created by the runbook's commands; the dev overlay must generate every one it uses. */
const contextOf = (overlay: string, text = runbook): CheckContext => (overlay === 'production' ? checkContext(text) : { ...checkContext(text), documented: new Map() });

const rendered: Record<string, K8sObject[]> = Object.fromEntries(OVERLAYS.map((overlay) => [overlay, render(join(K8S_DIR, 'overlays', overlay))]));
const find = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

describe.each(OVERLAYS)('deploy/k8s/overlays/%s', (overlay) => {
  const objects = rendered[overlay];
  const context = contextOf(overlay);

  it('renders the brokers as a StatefulSet, an adapter Deployment per registry group with its autoscaler, the recorder, the migration Job, budgets and policies', () => {
    expect(find(objects, 'StatefulSet', 'nix-broker')).toBeDefined();
    for (const group of ['identity', 'others']) {
      expect(find(objects, 'Deployment', `nix-adapter-${group}`)).toBeDefined();
      expect(find(objects, 'HorizontalPodAutoscaler', `nix-adapter-${group}`)).toBeDefined();
    }
    expect(find(objects, 'Deployment', 'nix-recorder')).toBeDefined();
    expect(find(objects, 'Job', 'nix-migrate')?.spec.template.spec.containers[0].args).toEqual(['npm', 'run', 'migrate']);
    expect(find(objects, 'PodDisruptionBudget', 'nix-broker')).toBeDefined();
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').length).toBeGreaterThanOrEqual(3);
    const namespace = overlay === 'production' ? 'nix' : 'nix-dev';
    expect(objects.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === namespace)).toBe(true);
  });

  it('validates every object against its Kubernetes schema (the ServiceMonitor against the Prometheus Operator CRD)', () => {
    expect(schemaFindings(objects)).toEqual([]);
  });

  it('names only Secrets and ConfigMaps that exist, with the keys it names; no secret sits in a ConfigMap', () => {
    expect(referenceFindings(objects, context)).toEqual([]);
  });

  it('gives NIX containers NIX settings only, secrets from Secrets, npm scripts that exist, and a configuration NIX accepts', () => {
    expect(settingFindings(objects, context, catalog)).toEqual([]);
  });

  it('gives each role that authenticates to Kafka a user and Secret of its own, which the ACL Job grants that role', () => {
    expect(kafkaUserFindings(objects, context, catalog)).toEqual([]);
  });

  it('probes, scrape annotations and Services use the ports NIX listens on; the ServiceMonitor finds its Services', () => {
    expect(probeFindings(objects).findings).toEqual([]);
    expect(serviceFindings(objects)).toEqual([]);
  });

  it('opens only the broker API to the outside, and the metrics ports only to the monitoring namespace', () => {
    expect(networkFindings(objects)).toEqual([]);
  });

  it('terminates gracefully past the drain, budgets the brokers, and scales adapters within their partitions', () => {
    expect(workloadFindings(objects, context)).toEqual([]);
    const broker = find(objects, 'StatefulSet', 'nix-broker')!;
    const env = broker.spec.template.spec.containers[0].env;
    expect(env.find((v: { name: string }) => v.name === 'NIX_INSTANCE_ID').valueFrom.fieldRef.fieldPath).toBe('metadata.name');
  });
});

describe('production overlay', () => {
  const objects = rendered.production;

  it('carries no Secret: every Secret it needs is created by the commands of deploy/README.md', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const documented = documentedSecrets(runbook);
    for (const name of ['nix-database', 'nix-broker-keys', 'nix-payload-keys', 'nix-notification-keys', 'nix-broker-tls', 'nix-kafka-ca']) expect(documented.has(name)).toBe(true);
    expect([...documented.get('nix-broker-keys')!.keys()].sort()).toEqual(['ledger-signing-key', 'receipt-keys', 'tracking-key']);
    expect([...documented.get('nix-notification-keys')!.keys()].sort()).toEqual(['notification-keys', 'subscription-key']);
    expect([...documented.get('nix-kafka-ca')!.keys()]).toEqual(['ca.crt']);
    // A Kafka user per role, and the admin user of the ACL Job: its name given literally, its password from a file.
    for (const [secret, user] of [['nix-kafka-broker', 'nix-broker'], ['nix-kafka-adapter-identity', 'nix-adapter-identity'], ['nix-kafka-adapter-others', 'nix-adapter-others'], ['nix-kafka-recorder', 'nix-recorder'], ['nix-kafka-admin', 'kafka-admin']]) {
      expect([secret, Object.fromEntries(documented.get(secret) ?? [])]).toEqual([secret, { username: user, password: null }]);
    }
  });

  it('gives the brokers the notification keys from the Secret nix-notification-keys (and only the brokers)', () => {
    const secretEnv = (o: K8sObject) =>
      (o.spec.template.spec.containers as { env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } }[] }[])
        .flatMap((c) => c.env ?? [])
        .filter((v) => v.valueFrom?.secretKeyRef?.name === 'nix-notification-keys')
        .map((v) => [v.name, v.valueFrom!.secretKeyRef!.key, v.valueFrom!.secretKeyRef!.optional ?? false]);
    expect(secretEnv(find(objects, 'StatefulSet', 'nix-broker')!)).toEqual([
      ['NIX_SUBSCRIPTION_KEY', 'subscription-key', false],
      ['NIX_NOTIFICATION_KEYS', 'notification-keys', false],
      ['NIX_SUBSCRIPTION_PREVIOUS_KEYS', 'subscription-previous-keys', true],
    ]);
    for (const o of objects.filter((x) => ['Deployment', 'Job'].includes(x.kind))) expect([o.metadata.name, secretEnv(o)]).toEqual([o.metadata.name, []]);
  });

  it('reaches Kafka over TLS with the cluster CA, as a SCRAM-SHA-512 user per role whose password is a mounted file', () => {
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('nix-config'))!;
    expect(config.data).toMatchObject({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/etc/nix/kafka-ca/ca.crt', KAFKA_SASL_MECHANISM: 'scram-sha-512' });
    expect(config.data).not.toHaveProperty('NIX_KAFKA_ALLOW_INSECURE');
    const userOf = (kind: string, name: string) => {
      const spec = find(objects, kind, name)!.spec.template.spec;
      const env = spec.containers[0].env;
      const volume = spec.volumes.find((v: { name: string }) => v.name === 'kafka-user');
      return {
        username: env.find((v: { name: string }) => v.name === 'KAFKA_SASL_USERNAME').valueFrom.secretKeyRef,
        passwordFile: env.find((v: { name: string }) => v.name === 'KAFKA_SASL_PASSWORD_FILE').value,
        secret: volume.secret.secretName,
        password: env.some((v: { name: string }) => v.name === 'KAFKA_SASL_PASSWORD'),
      };
    };
    const expected = (secret: string) => ({ username: { name: secret, key: 'username' }, passwordFile: '/etc/nix/kafka-user/password', secret, password: false });
    expect(userOf('StatefulSet', 'nix-broker')).toEqual(expected('nix-kafka-broker'));
    expect(userOf('Deployment', 'nix-adapter-identity')).toEqual(expected('nix-kafka-adapter-identity'));
    expect(userOf('Deployment', 'nix-adapter-others')).toEqual(expected('nix-kafka-adapter-others'));
    expect(userOf('Deployment', 'nix-recorder')).toEqual(expected('nix-kafka-recorder'));
    expect(userOf('Job', 'nix-kafka-acls')).toEqual(expected('nix-kafka-admin'));
    // The migration talks to PostgreSQL only: no Kafka setting, no Kafka Secret.
    expect(JSON.stringify(find(objects, 'Job', 'nix-migrate'))).not.toMatch(/KAFKA|nix-kafka/);
    // The admin user's Secret reaches the ACL Job only.
    const withAdmin = objects.filter((o) => JSON.stringify(o).includes('"nix-kafka-admin"')).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(withAdmin).toEqual(['Job/nix-kafka-acls']);
  });

  it('creates the ACLs of those users with npm run kafka:acls, brokers sharing one user for the StatefulSet\'s pods nix-broker-*', () => {
    const job = find(objects, 'Job', 'nix-kafka-acls')!.spec.template.spec.containers[0];
    expect(job.args).toEqual([
      'npm', 'run', 'kafka:acls', '--',
      '--broker', 'nix-broker=nix-broker-*',
      '--adapter', 'nix-adapter-identity=identity',
      '--adapter', 'nix-adapter-others=legal-entity,address,vehicle,goods',
      '--recorder', 'nix-recorder',
    ]);
    // NODE_ENV=production would ask the tool for keys it never uses: Kafka's settings only, key by key.
    expect(job.envFrom).toBeUndefined();
  });

  it('serves HTTPS with client certificates behind a LoadBalancer that keeps the caller address, probes included', () => {
    const service = find(objects, 'Service', 'nix-broker')!;
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
    const container = find(objects, 'StatefulSet', 'nix-broker')!.spec.template.spec.containers[0];
    expect(container.env.map((v: { name: string }) => v.name)).toEqual(expect.arrayContaining(['NIX_TLS_CERT', 'NIX_TLS_KEY', 'NIX_TLS_CLIENT_CA']));
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) expect(container[probe].httpGet.scheme).toBe('HTTPS');
    expect(find(objects, 'ServiceMonitor', 'nix')).toBeDefined();
  });
});

describe('dev overlay', () => {
  it('talks to its own plaintext Kafka with no user (NODE_ENV=development), so it has no Kafka Secret and no ACL Job', () => {
    const config = rendered.dev.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('nix-config'))!;
    expect(config.data).toMatchObject({ NODE_ENV: 'development', KAFKA_BROKERS: 'nix-kafka:9092' });
    expect(Object.keys(config.data).filter((k) => /^KAFKA_S(SL|ASL)/.test(k))).toEqual([]);
    expect(rendered.dev.filter((o) => /kafka-(acls|admin|broker|adapter|recorder|ca|credentials)/.test(o.metadata.name))).toEqual([]);
  });

  it('generates its Secrets from files marked DEV-ONLY, with no trailing newline in any value', () => {
    const kustomization = readFileSync(join(K8S_DIR, 'overlays/dev/kustomization.yaml'), 'utf8');
    const files = [...kustomization.matchAll(/^\s+- [a-z0-9.-]+=(secrets\/\S+)$/gm)].map((m) => m[1]);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(file).toMatch(/\.DEV-ONLY$/);
    for (const secret of rendered.dev.filter((o) => o.kind === 'Secret')) {
      for (const [key, value] of Object.entries<string>(secret.data)) expect([secret.metadata.name, key, /\s$/.test(Buffer.from(value, 'base64').toString())]).toEqual([secret.metadata.name, key, false]);
    }
  });
});

describe('deploy/k8s/new-keys.sh, the runbook\'s key maker', () => {
  it('makes keys that NIX accepts in production, with no trailing newline, and never overwrites them', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'nix-keys-')), 'broker');
    try {
      execFileSync('sh', [join(K8S_DIR, 'new-keys.sh'), dir], { stdio: 'pipe' });
      const key = (name: string) => readFileSync(join(dir, name), 'utf8');
      for (const name of ['tracking-key', 'receipt-keys', 'ledger-signing-key', 'ledger-public-key', 'payload-keys', 'subscription-key', 'notification-keys']) {
        expect([name, /\s$/.test(key(name))]).toEqual([name, false]);
      }
      const config = loadConfig({
        NODE_ENV: 'production',
        NIX_TRANSPORT: 'kafka',
        KAFKA_BROKERS: 'kafka:9092',
        DATABASE_URL: 'postgres://nix:secret@postgres:5432/nix',
        NIX_TRACKING_KEY: key('tracking-key'),
        NIX_RECEIPT_KEYS: key('receipt-keys'),
        NIX_LEDGER_SIGNING_KEY: key('ledger-signing-key'),
        NIX_PAYLOAD_KEYS: key('payload-keys'),
        NIX_SUBSCRIPTION_KEY: key('subscription-key'),
        NIX_NOTIFICATION_KEYS: key('notification-keys'),
        // Kafka over TLS (the system's CAs) as a user of its own: production refuses plaintext Kafka.
        KAFKA_SSL: 'true',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'nix-broker',
        KAFKA_SASL_PASSWORD: 'stand-in-password',
      });
      expect(config.receipts.keys).toHaveLength(1);
      expect(config.kafka.payloadKeys).toHaveLength(1);
      // Notifications are served (production without these keys answers their endpoints with 503).
      expect(config.notifications.subscriptionKey).toBe(key('subscription-key'));
      expect(config.notifications.keys).toHaveLength(1);
      const signing = createPrivateKey({ key: Buffer.from(key('ledger-signing-key'), 'base64'), format: 'der', type: 'pkcs8' });
      expect(createPublicKey(signing).export({ type: 'spki', format: 'der' }).toString('base64')).toBe(key('ledger-public-key'));
      const before = key('tracking-key');
      const again = spawnSync('sh', [join(K8S_DIR, 'new-keys.sh'), dir], { encoding: 'utf8' });
      expect(again.status).not.toBe(0);
      expect(again.stderr).toContain('keys are never overwritten');
      expect(key('tracking-key')).toBe(before);
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  });
});

/** Asks the running app what each probe or scrape annotation asks: the API port's or the metrics listener's. */
async function unanswered(app: TestApp, requests: ProbeRequest[]): Promise<string[]> {
  const findings: string[] = [];
  for (const probe of requests) {
    const base = probe.listener === 'metrics' ? app.metricsUrl : app.url;
    const response = await request(base + probe.path);
    await response.body.text();
    if (response.statusCode !== 200) findings.push(`${probe.where}: GET ${probe.path} on the ${probe.listener} port answers ${response.statusCode}`);
  }
  return findings;
}

describe('probe paths and scrape paths, asked of the running app', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    // Ready once governance and the catalogue are read.
    const ready = await eventually(() => app.call('GET', '/health/ready'), (r) => r.status === 200, 60_000);
    expect(ready.status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it.each(OVERLAYS)('%s: every probe path is answered 200 on the port it names', async (overlay) => {
    const { requests } = probeFindings(rendered[overlay]);
    expect(requests.map((r) => r.path)).toEqual(expect.arrayContaining(['/health/ready', '/health/live', '/metrics']));
    expect(await unanswered(app, requests)).toEqual([]);
  });

  it('a probe path the app does not serve is reported', async () => {
    const objects = renderBroken((dir) => edit(dir, 'base/broker.yaml', 'path: /health/ready', 'path: /health/readiness'));
    expect(await unanswered(app, probeFindings(objects).requests)).toEqual([expect.stringContaining('GET /health/readiness on the http port answers 404')]);
  });
});

// ------------------------------------------------------------------ broken copies

/** Renders the production overlay of a copy of deploy/k8s after `breakIt` edited it. */
function renderBroken(breakIt: (dir: string) => void): K8sObject[] {
  const dir = mkdtempSync(join(tmpdir(), 'nix-k8s-'));
  try {
    cpSync(K8S_DIR, dir, { recursive: true });
    breakIt(dir);
    return render(join(dir, 'overlays/production'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const path = join(dir, file);
  const text = readFileSync(path, 'utf8');
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`${file}: "${from}" not found; the broken copy would not be broken`);
  writeFileSync(path, changed);
}

describe('a broken copy of the manifests is rejected', () => {
  const cases: [string, (dir: string) => void, RegExp, string?][] = [
    ['a port that is not an integer (schema)', (d) => edit(d, 'base/broker.yaml', 'containerPort: 9464', 'containerPort: "9464x"'), /StatefulSet\/nix-broker: .*containerPort must be integer/],
    ['a Secret that nothing creates', (d) => edit(d, 'base/broker.yaml', /name: nix-broker-keys/g, 'name: nix-broker-key'), /Secret nix-broker-key does not exist/],
    ['a Secret key that is not in it', (d) => edit(d, 'base/broker.yaml', 'key: tracking-key', 'key: tracking_key'), /Secret nix-broker-keys has no key tracking_key/],
    ['a secret in the ConfigMap', (d) => edit(d, 'base/kustomization.yaml', '      - NIX_LOG_LEVEL=info', '      - NIX_LOG_LEVEL=info\n      - NIX_TRACKING_KEY=abcdefghijklmnopqrstuvwxyz'), /ConfigMap\/nix-config-\w+: holds NIX_TRACKING_KEY/],
    ['a setting NIX does not read', (d) => edit(d, 'base/broker.yaml', '- name: NIX_DATA_DIR', '- name: NIX_DATADIR'), /StatefulSet\/nix-broker container broker: NIX_DATADIR is not a NIX setting/],
    ['a production setting missing', (d) => edit(d, 'base/broker.yaml', / +- name: NIX_TRACKING_KEY\n(.*\n){4}/, ''), /StatefulSet\/nix-broker container broker: NIX would not start: .*NIX_TRACKING_KEY: is required in production/],
    ['an npm script that does not exist', (d) => edit(d, 'base/recorder.yaml', 'start:recorder', 'start:records'), /npm run start:records is not a script of package\.json/],
    ['a Service aimed at a port no container has', (d) => edit(d, 'base/broker.yaml', /targetPort: http\n---\n# The StatefulSet/, 'targetPort: api\n---\n# The StatefulSet'), /Service\/nix-broker port http: targetPort api is no container port/],
    ['a container port NIX does not listen on', (d) => edit(d, 'base/broker.yaml', 'containerPort: 3000', 'containerPort: 8080'), /containerPort "http" is 8080, but NIX listens on 3000/],
    ['the metrics port opened to everyone', (d) => edit(d, 'base/network-policies.yaml', 'port: http', 'port: metrics'), /opens metrics to everyone/],
    ['an adapter opened to everyone', (d) => edit(d, 'base/network-policies.yaml', 'app.kubernetes.io/component: broker', 'app.kubernetes.io/component: adapter'), /opens Deployment\/nix-adapter-identity, Deployment\/nix-adapter-others to everyone/],
    ['a NetworkPolicy that selects nothing', (d) => edit(d, 'base/network-policies.yaml', 'app.kubernetes.io/component: broker', 'app.kubernetes.io/component: brokers'), /NetworkPolicy\/nix-broker-api: its podSelector selects no pod/],
    ['a grace period shorter than the drain', (d) => edit(d, 'base/broker.yaml', 'terminationGracePeriodSeconds: 35', 'terminationGracePeriodSeconds: 20'), /terminationGracePeriodSeconds 20 is shorter than preStop 5 s \+ NIX_SHUTDOWN_DRAIN_MS 10 s \+ 15 s/],
    ['more adapters than partitions', (d) => edit(d, 'base/adapters.yaml', 'maxReplicas: 6', 'maxReplicas: 12'), /maxReplicas 12 is more than the 6 partitions/],
    ['a container that may escalate privileges', (d) => edit(d, 'base/migrate-job.yaml', 'allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true'), /Job\/nix-migrate container migrate: allowPrivilegeEscalation is not false/],
    ['an autoscaled Deployment that sets replicas', (d) => edit(d, 'base/adapters.yaml', '  # No replicas: the autoscaler owns the count (an apply would otherwise reset it).\n', '  replicas: 2\n'), /HorizontalPodAutoscaler\/nix-adapter-identity: Deployment\/nix-adapter-identity sets replicas/],
    ['a readiness probe on a port not declared', (d) => edit(d, 'base/recorder.yaml', /path: \/health\/ready\n(\s+)port: http/, 'path: /health/ready\n$1port: 3002'), /nix-recorder container recorder: readinessProbe uses port 3002/],
    ['a ServiceMonitor endpoint on a port the Services lack', (d) => edit(d, 'monitoring/service-monitor.yaml', 'port: metrics', 'port: prometheus'), /ServiceMonitor\/nix: Service\/nix-\w+-metrics has no port named prometheus/],
    ['the TLS certificate outside its Secret', (d) => edit(d, 'overlays/production/broker-production.yaml', '/etc/nix/tls/tls.crt', '/etc/nix/tls/server.crt'), /NIX_TLS_CERT: \/etc\/nix\/tls\/server\.crt is not a key of Secret nix-broker-tls/],
    ['plaintext Kafka in production', (d) => edit(d, 'overlays/production/kustomization.yaml', /^ +- KAFKA_SSL=true\n +- KAFKA_SSL_CA_FILE=.*\n/m, ''), /StatefulSet\/nix-broker container broker: NIX would not start: environment at KAFKA_SSL: is required in production/],
    ['the Kafka CA outside its Secret', (d) => edit(d, 'overlays/production/kustomization.yaml', 'KAFKA_SSL_CA_FILE=/etc/nix/kafka-ca/ca.crt', 'KAFKA_SSL_CA_FILE=/etc/nix/kafka-ca/ca.pem'), /Deployment\/nix-recorder container recorder KAFKA_SSL_CA_FILE: \/etc\/nix\/kafka-ca\/ca\.pem is not a key of Secret nix-kafka-ca/],
    ['a Kafka password file in no volume', (d) => edit(d, 'overlays/production/kafka-production.yaml', /mountPath: \/etc\/nix\/kafka-user/g, 'mountPath: /etc/nix/kafka-users'), /Deployment\/nix-recorder container recorder: NIX would not start: environment at KAFKA_SASL_PASSWORD_FILE: cannot be read/],
    ['a Kafka password given as a plain env value', (d) => edit(d, 'overlays/production/kafka-production.yaml', /- name: KAFKA_SASL_PASSWORD_FILE\n( +)value: \/etc\/nix\/kafka-user\/password/, '- name: KAFKA_SASL_PASSWORD\n$1value: not-secret-at-all'), /StatefulSet\/nix-broker container broker: KAFKA_SASL_PASSWORD is a secret and must come from a Secret/],
    ['a role using another role\'s Kafka Secret', (d) => edit(d, 'overlays/production/kafka-production.yaml', /nix-kafka-recorder/g, 'nix-kafka-adapter-others'), /Secret nix-kafka-adapter-others holds the Kafka user of Deployment\/nix-adapter-others, Deployment\/nix-recorder/],
    ['the Kafka admin user given to a workload', (d) => edit(d, 'overlays/production/kafka-production.yaml', /nix-kafka-recorder/g, 'nix-kafka-admin'), /Secret nix-kafka-admin holds the Kafka user of Deployment\/nix-recorder, Job\/nix-kafka-acls/],
    ['a Kafka user\'s name and password from two Secrets', (d) => edit(d, 'overlays/production/kafka-production.yaml', 'secretName: nix-kafka-recorder', 'secretName: nix-kafka-broker'), /nix-recorder container recorder: its Kafka user's name is in Secret nix-kafka-recorder and its password in Secret nix-kafka-broker/],
    ['broker ACLs that miss the StatefulSet\'s pods', (d) => edit(d, 'overlays/production/kafka-acls-job.yaml', 'nix-broker=nix-broker-*', 'nix-broker=broker-*'), /StatefulSet\/nix-broker container broker: Kafka user nix-broker is granted no broker ACLs for nix-broker-0, nix-broker-1, nix-broker-2/],
    ['an adapter registry its Kafka user is not granted', (d) => edit(d, 'overlays/production/kafka-acls-job.yaml', 'nix-adapter-others=legal-entity,address,vehicle,goods', 'nix-adapter-others=legal-entity,address,vehicle'), /Deployment\/nix-adapter-others container adapter: Kafka user nix-adapter-others may not read the inquiries of goods/],
    ['an adapter group following every published registry', (d) => edit(d, 'base/adapters.yaml', / +- name: NIX_ADAPTER_PUBLISHED_REGISTRIES\n.*\n/, ''), /nix-adapter-others container adapter: follows the published bindings of every registry/],
    ['a role granted another role\'s ACLs', (d) => edit(d, 'overlays/production/kafka-acls-job.yaml', '- --recorder\n            - nix-recorder', '- --adapter\n            - nix-recorder=identity'), /grants Kafka user nix-recorder the adapter role, but Deployment\/nix-recorder runs the recorder role/],
    ['no ACL Job', (d) => edit(d, 'overlays/production/kustomization.yaml', '  - kafka-acls-job.yaml\n', ''), /no Job runs npm run kafka:acls: the Kafka users nix-\S+, .* get no ACLs/],
  ];

  it.each(cases)('%s', (_name, breakIt, finding) => {
    const objects = renderBroken(breakIt);
    const findings = allFindings(objects, contextOf('production'), catalog);
    expect(findings).toEqual(expect.arrayContaining([expect.stringMatching(finding)]));
  });

  it('a Kafka user the runbook does not name, and a Kafka Secret it no longer creates', () => {
    const unnamed = runbook.replace(/--from-literal=username=nix-recorder/g, '--from-literal=username="$RECORDER_USER"');
    const gone = runbook.replace(/kubectl -n nix create secret generic nix-kafka-ca/g, 'kubectl -n nix create secret generic nix-kafka-cert');
    expect([unnamed, gone]).not.toContain(runbook);
    expect(allFindings(rendered.production, contextOf('production', unnamed), catalog)).toEqual(
      expect.arrayContaining([expect.stringMatching(/Deployment\/nix-recorder container recorder: the name of its Kafka user is not known/)]),
    );
    expect(allFindings(rendered.production, contextOf('production', gone), catalog)).toEqual(
      expect.arrayContaining([expect.stringMatching(/Job\/nix-kafka-acls volume kafka-ca: Secret nix-kafka-ca does not exist/), expect.stringMatching(/StatefulSet\/nix-broker volume kafka-ca: Secret nix-kafka-ca does not exist/)]),
    );
  });

  it('a Secret the runbook no longer creates', () => {
    const withoutDatabase = runbook.replace(/kubectl -n nix create secret generic nix-database/g, 'kubectl -n nix create secret generic nix-db');
    expect(withoutDatabase).not.toBe(runbook);
    const findings = allFindings(rendered.production, contextOf('production', withoutDatabase), catalog);
    expect(findings).toEqual(expect.arrayContaining([expect.stringMatching(/env DATABASE_URL: Secret nix-database does not exist/)]));
  });
});
