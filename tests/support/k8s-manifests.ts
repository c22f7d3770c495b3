/**
 * Renders the Kubernetes manifests of deploy/k8s with `kubectl kustomize` and checks them against the Kubernetes
 * schemas (kubernetes-models) and against the code: the settings NIX reads, the ports it listens on, the npm scripts,
 * the Secrets the runbook tells operators to create. Each check answers findings (empty: all good), so that a
 * broken copy of the manifests can be shown to be caught (tests/e2e/k8s-manifests.e2e.ts).
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
// From the package's root (its `apps/…` subpath reads, to the lint, like an import of one of NIX's apps).
import { apps, autoscaling, batch, networkingK8sIo, policy, v1 } from 'kubernetes-models';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { servedRegistries } from '@nix/adapter-host';
import { ServiceCatalog } from '@nix/catalog';
import { ENV_SCHEMA, loadConfig, TOOL_DEFAULTS, type RoleDefaults } from '@nix/config';
import { roleAcls, type KafkaRoleGrant } from '@nix/messaging';
import { ROLE_DEFAULTS as RUNTIME_ROLE_DEFAULTS } from '@nix/runtime';

export const ROOT = resolve(__dirname, '../..');
export const K8S_DIR = join(ROOT, 'deploy/k8s');
export const OVERLAYS = ['dev', 'production'] as const;

type Json = any; // rendered Kubernetes objects
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: Json };

/** `kubectl kustomize DIR`, parsed: Debian's kubectl (kubernetes-client, kustomize v2.0) or a newer one (v5). */
export function render(dir: string): K8sObject[] {
  const kubectl = process.env.KUBECTL ?? 'kubectl';
  let text: string;
  try {
    text = execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error(`${kubectl} is not installed: Debian's package kubernetes-client brings it (.ci/run installs it)`);
    throw new Error(`kubectl kustomize ${dir} failed: ${e.stderr ?? e.message}`);
  }
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`kubectl kustomize ${dir}: ${document.errors[0].message}`);
      return document.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

const id = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;

// ------------------------------------------------------------------ schemas

/** The model (JSON Schema validator) of each kind the manifests use; a kind not listed here is a finding. */
const MODELS: Record<string, new (data: Json) => { validate(): void }> = {
  'v1/ConfigMap': v1.ConfigMap,
  'v1/Namespace': v1.Namespace,
  'v1/PersistentVolumeClaim': v1.PersistentVolumeClaim,
  'v1/Secret': v1.Secret,
  'v1/Service': v1.Service,
  'apps/v1/Deployment': apps.v1.Deployment,
  'apps/v1/StatefulSet': apps.v1.StatefulSet,
  'batch/v1/Job': batch.v1.Job,
  'autoscaling/v2/HorizontalPodAutoscaler': autoscaling.v2.HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': policy.v1.PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': networkingK8sIo.v1.NetworkPolicy,
  // A CRD: validated against the Prometheus Operator's own schema.
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function schemaFindings(objects: K8sObject[]): string[] {
  const findings: string[] = [];
  for (const o of objects) {
    const Model = MODELS[`${o.apiVersion}/${o.kind}`];
    if (!Model) {
      findings.push(`${id(o)}: no schema for ${o.apiVersion} ${o.kind} (add its model to MODELS)`);
      continue;
    }
    // kustomize v5 folds long base64 values over lines, which the API server's decoder ignores; the schema's
    // "byte" format does not, so the values are taken as the server takes them.
    const data = o.kind === 'Secret' && o.data ? { ...o, data: Object.fromEntries(Object.entries<string>(o.data).map(([k, v]) => [k, v.replace(/\s+/g, '')])) } : o;
    try {
      new Model(data).validate();
    } catch (error) {
      findings.push(`${id(o)}: ${(error as Error).message}`);
    }
    if (!DNS_SUBDOMAIN.test(o.metadata.name) || o.metadata.name.length > 253) findings.push(`${id(o)}: the name is not a DNS subdomain`);
    for (const [key, value] of Object.entries({ ...o.metadata.labels, ...podTemplateOf(o)?.metadata?.labels })) {
      if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) findings.push(`${id(o)}: label ${key} has an invalid value "${value}"`);
    }
  }
  return findings;
}

// ------------------------------------------------------------------ workloads

export interface PodTemplate {
  owner: K8sObject;
  labels: Record<string, string>;
  spec: Json;
}

function podTemplateOf(o: K8sObject): Json | undefined {
  return ['Deployment', 'StatefulSet', 'Job', 'DaemonSet'].includes(o.kind) ? o.spec?.template : undefined;
}

export function podTemplates(objects: K8sObject[]): PodTemplate[] {
  return objects.flatMap((o) => {
    const template = podTemplateOf(o);
    return template ? [{ owner: o, labels: template.metadata?.labels ?? {}, spec: template.spec ?? {} }] : [];
  });
}

/** A NIX container runs the NIX image (`nix`, or `<registry>/nix`), whatever its tag. */
export function isNixContainer(container: Json): boolean {
  const image = String(container.image ?? '').replace(/[:@].*$/, '');
  return image === 'nix' || image.endsWith('/nix');
}

/** Which process a NIX container runs, from its `npm run …` arguments. */
export type Role = 'broker' | 'adapter' | 'recorder' | 'migrate' | 'kafka-acls' | 'nix' | 'unknown';

export function roleOf(container: Json): Role {
  const script = npmScriptsOf(container)[0];
  if (script === 'start:broker') return 'broker';
  if (script === 'start:adapter') return 'adapter';
  if (script === 'start:recorder') return 'recorder';
  if (script === 'migrate') return 'migrate';
  if (script === 'kafka:acls') return 'kafka-acls';
  if (script === 'start') return 'nix';
  return 'unknown';
}

function npmScriptsOf(container: Json): string[] {
  const text = [...(container.command ?? []), ...(container.args ?? [])].join(' ');
  return [...text.matchAll(/\bnpm\s+(?:(start)\b|(?:run|run-script)\s+([^\s;&|]+))/g)].map((m) => m[1] ?? m[2]);
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);
}

/** A LabelSelector (matchLabels and matchExpressions) against labels. */
function selects(selector: Json, labels: Record<string, string>): boolean {
  if (!matches(selector?.matchLabels, labels)) return false;
  return (selector?.matchExpressions ?? []).every((e: Json) => {
    const has = e.key in labels;
    switch (e.operator) {
      case 'In':
        return has && e.values.includes(labels[e.key]);
      case 'NotIn':
        return !has || !e.values.includes(labels[e.key]);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        return false;
    }
  });
}

// ------------------------------------------------------------------ Secrets, ConfigMaps, settings

/** Settings whose values are secret: never in a ConfigMap or a plain value, only from a Secret. */
export const SECRET_VARIABLES = /^(NIX_TRACKING_KEY|NIX_RECEIPT_KEYS|NIX_LEDGER_SIGNING_KEY|NIX_PAYLOAD_KEYS|DATABASE_URL|NIX_REGISTRY_[A-Z0-9_]+_AUTHORIZATION|NIX_CREDENTIAL_[A-Z0-9_]+|KAFKA_(?!.*_FILE$).*(PASSWORD|SECRET).*)$/;

/**
 * Secrets created by hand, as `kubectl create secret generic NAME --from-file=KEY=… --from-literal=KEY=…` in a
 * runbook: each key, with its value when the command gives it literally (`--from-literal=username=nix-recorder`),
 * else null (a file, or a shell variable: a secret the runbook does not print).
 */
export function documentedSecrets(markdown: string): Map<string, Map<string, string | null>> {
  const secrets = new Map<string, Map<string, string | null>>();
  const text = markdown.replace(/\\\n\s*/g, ' ');
  for (const match of text.matchAll(/kubectl\s+(?:-n\s+\S+\s+)?create\s+secret\s+(generic|tls)\s+([a-z0-9-]+)([^\n]*)/g)) {
    const keys = secrets.get(match[2]) ?? new Map<string, string | null>();
    if (match[1] === 'tls') ['tls.crt', 'tls.key'].forEach((k) => keys.set(k, null));
    for (const key of match[3].matchAll(/--from-(file|literal)=([A-Za-z0-9._-]+)=(\S*)/g)) {
      const literal = key[1] === 'literal' ? /^(['"]?)([A-Za-z0-9._@-]+)\1$/.exec(key[3]) : null;
      keys.set(key[2], literal ? literal[2] : null);
    }
    secrets.set(match[2], keys);
  }
  return secrets;
}

interface Sources {
  configMaps: Map<string, Record<string, string>>;
  /** Secret name → its keys and values (a documented Secret's values are null unless the runbook gives them literally). */
  secrets: Map<string, Map<string, string | null>>;
}

function sourcesOf(objects: K8sObject[], documented: Map<string, Map<string, string | null>>): Sources {
  const configMaps = new Map<string, Record<string, string>>();
  const secrets = new Map<string, Map<string, string | null>>();
  for (const o of objects) {
    if (o.kind === 'ConfigMap') configMaps.set(o.metadata.name, o.data ?? {});
    if (o.kind === 'Secret') {
      const values = new Map<string, string | null>();
      for (const [key, value] of Object.entries<string>(o.data ?? {})) values.set(key, Buffer.from(value, 'base64').toString('utf8'));
      for (const [key, value] of Object.entries<string>(o.stringData ?? {})) values.set(key, value);
      secrets.set(o.metadata.name, values);
    }
  }
  for (const [name, keys] of documented) if (!secrets.has(name)) secrets.set(name, new Map(keys));
  return { configMaps, secrets };
}

export interface CheckContext {
  /** Secrets that the runbook creates by hand (none of them is in git), with the values it gives literally. */
  documented: Map<string, Map<string, string | null>>;
  /** npm scripts of package.json. */
  scripts: Record<string, string>;
}

/** Every reference to a Secret or ConfigMap (env, envFrom, volumes) names one that exists, with the key named. */
export function referenceFindings(objects: K8sObject[], context: CheckContext): string[] {
  const findings: string[] = [];
  const { configMaps, secrets } = sourcesOf(objects, context.documented);
  const missing = (where: string, kind: 'Secret' | 'ConfigMap', name: string, key?: string, optional?: boolean) => {
    if (optional) return;
    const keys = kind === 'Secret' ? secrets.get(name) : configMaps.has(name) ? new Map(Object.entries(configMaps.get(name)!)) : undefined;
    if (!keys) findings.push(`${where}: ${kind} ${name} does not exist${kind === 'Secret' ? ' (neither rendered nor created by the runbook)' : ''}`);
    else if (key !== undefined && !keys.has(key)) findings.push(`${where}: ${kind} ${name} has no key ${key}`);
  };
  for (const pod of podTemplates(objects)) {
    for (const container of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
      const where = `${id(pod.owner)} container ${container.name}`;
      for (const source of container.envFrom ?? []) {
        if (source.configMapRef) missing(where, 'ConfigMap', source.configMapRef.name, undefined, source.configMapRef.optional);
        if (source.secretRef) missing(where, 'Secret', source.secretRef.name, undefined, source.secretRef.optional);
      }
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom;
        if (ref?.secretKeyRef) missing(`${where} env ${variable.name}`, 'Secret', ref.secretKeyRef.name, ref.secretKeyRef.key, ref.secretKeyRef.optional);
        if (ref?.configMapKeyRef) missing(`${where} env ${variable.name}`, 'ConfigMap', ref.configMapKeyRef.name, ref.configMapKeyRef.key, ref.configMapKeyRef.optional);
      }
    }
    for (const volume of pod.spec.volumes ?? []) {
      const where = `${id(pod.owner)} volume ${volume.name}`;
      if (volume.secret) {
        missing(where, 'Secret', volume.secret.secretName, undefined, volume.secret.optional);
        for (const item of volume.secret.items ?? []) missing(where, 'Secret', volume.secret.secretName, item.key, volume.secret.optional);
      }
      if (volume.configMap) missing(where, 'ConfigMap', volume.configMap.name, undefined, volume.configMap.optional);
      if (volume.persistentVolumeClaim) {
        const claim = volume.persistentVolumeClaim.claimName;
        if (!objects.some((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === claim)) findings.push(`${where}: PersistentVolumeClaim ${claim} does not exist`);
      }
    }
    for (const container of pod.spec.containers ?? []) {
      const volumes = new Set([...(pod.spec.volumes ?? []).map((v: Json) => v.name), ...(pod.owner.spec?.volumeClaimTemplates ?? []).map((t: Json) => t.metadata.name)]);
      for (const mount of container.volumeMounts ?? []) {
        if (!volumes.has(mount.name)) findings.push(`${id(pod.owner)} container ${container.name}: mounts ${mount.name}, which is no volume of the pod`);
      }
    }
  }
  // Secrets never in ConfigMaps.
  for (const [name, data] of configMaps) {
    for (const key of Object.keys(data)) if (SECRET_VARIABLES.test(key)) findings.push(`ConfigMap/${name}: holds ${key}, a secret; it belongs in a Secret`);
  }
  return findings;
}

/** The environment a container gets, with each Secret's value (or, for a documented Secret, a valid stand-in). */
function environmentOf(pod: PodTemplate, container: Json, sources: Sources): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, sources.configMaps.get(source.configMapRef.name) ?? {});
    if (source.secretRef) for (const [k, v] of sources.secrets.get(source.secretRef.name) ?? []) env[k] = v ?? standIn(k);
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom;
    if (variable.value !== undefined) env[variable.name] = String(variable.value);
    else if (ref?.fieldRef?.fieldPath === 'metadata.name') env[variable.name] = podNameOf(pod.owner);
    else if (ref?.secretKeyRef) {
      const value = sources.secrets.get(ref.secretKeyRef.name)?.get(ref.secretKeyRef.key);
      if (value !== undefined) env[variable.name] = value ?? standIn(variable.name);
    } else if (ref?.configMapKeyRef) {
      const value = sources.configMaps.get(ref.configMapKeyRef.name)?.[ref.configMapKeyRef.key];
      if (value !== undefined) env[variable.name] = value;
    }
  }
  return env;
}

function podNameOf(owner: K8sObject): string {
  if (owner.kind === 'StatefulSet') return `${owner.metadata.name}-0`;
  if (owner.kind === 'Job') return `${owner.metadata.name}-x7k2p`;
  return `${owner.metadata.name}-5d9c7b8f4-x7k2p`;
}

/** A valid value for a secret the runbook creates by hand, so that the configuration check runs as in production. */
function standIn(variable: string): string {
  switch (variable) {
    case 'NIX_TRACKING_KEY':
      return randomBytes(32).toString('base64url');
    case 'NIX_RECEIPT_KEYS': {
      const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
      return JSON.stringify([{ ...jwk, kid: 'stand-in-1' }]);
    }
    case 'NIX_LEDGER_SIGNING_KEY':
      return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    case 'NIX_PAYLOAD_KEYS':
    case 'NIX_NOTIFICATION_KEYS':
      return `k1:${randomBytes(32).toString('base64')}`;
    case 'DATABASE_URL':
      return 'postgres://nix:stand-in@postgres:5432/nix';
    default:
      return 'stand-in-secret-value';
  }
}

/**
 * What each container's command loads its configuration with: its role's ports and the keys that role uses
 * (npm run kafka:acls calls loadConfig() with its own default).
 */
const ROLE_DEFAULTS: Record<string, RoleDefaults> = { ...RUNTIME_ROLE_DEFAULTS, migrate: TOOL_DEFAULTS, 'kafka-acls': { port: 3000, metricsPort: 9464 } };

/** Settings that name a file NIX reads (at start, or when it serves HTTPS): each must be in a mounted Secret. */
const FILE_SETTINGS = ['NIX_TLS_CERT', 'NIX_TLS_KEY', 'NIX_TLS_CLIENT_CA', 'KAFKA_SSL_CA_FILE', 'KAFKA_SASL_PASSWORD_FILE'] as const;

let standInCertificate: string | undefined;

/** A valid file for a setting whose Secret the runbook creates by hand: a certificate, a private key or a password. */
function standInFile(variable: (typeof FILE_SETTINGS)[number]): string {
  switch (variable) {
    case 'NIX_TLS_KEY':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    case 'KAFKA_SASL_PASSWORD_FILE':
      return randomBytes(24).toString('base64url');
    default: {
      // A real (self-signed) certificate, made once: a CA bundle or a server certificate.
      if (!standInCertificate) {
        const dir = mkdtempSync(join(tmpdir(), 'nix-k8s-cert-'));
        try {
          execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=stand-in CA', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'pipe' });
          standInCertificate = readFileSync(join(dir, 'cert.pem'), 'utf8');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      return standInCertificate;
    }
  }
}

/**
 * Each NIX container: every variable it is given is a NIX setting (ENV_SCHEMA), secrets come from Secrets, the
 * npm script exists, and the configuration NIX would load from it is accepted without warnings (production
 * settings complete, an adapter's registries served). Its ports are the ones NIX listens on.
 */
export function settingFindings(objects: K8sObject[], context: CheckContext, catalog: ServiceCatalog): string[] {
  const findings: string[] = [];
  const sources = sourcesOf(objects, context.documented);
  const known = new Set(Object.keys(ENV_SCHEMA.properties));
  const patterns = Object.keys(ENV_SCHEMA.patternProperties).map((p) => new RegExp(p));
  const isSetting = (name: string) => known.has(name) || patterns.some((p) => p.test(name));
  for (const pod of podTemplates(objects)) {
    for (const container of (pod.spec.containers ?? []).filter(isNixContainer)) {
      const where = `${id(pod.owner)} container ${container.name}`;
      const scripts = npmScriptsOf(container);
      if (scripts.length === 0) findings.push(`${where}: runs no npm script`);
      for (const script of scripts) if (!(script in context.scripts)) findings.push(`${where}: npm run ${script} is not a script of package.json`);
      for (const variable of container.env ?? []) {
        if (!isSetting(variable.name)) findings.push(`${where}: ${variable.name} is not a NIX setting (ENV_SCHEMA)`);
        if (SECRET_VARIABLES.test(variable.name) && !variable.valueFrom?.secretKeyRef) findings.push(`${where}: ${variable.name} is a secret and must come from a Secret`);
      }
      for (const source of container.envFrom ?? []) {
        const data = source.configMapRef ? sources.configMaps.get(source.configMapRef.name) : undefined;
        for (const key of Object.keys(data ?? {})) if (!isSetting(key)) findings.push(`${where}: ${key} (from ConfigMap ${source.configMapRef.name}) is not a NIX setting (ENV_SCHEMA)`);
      }
      const role = roleOf(container);
      const env = environmentOf(pod, container, sources);
      // Files named by settings are read from the Secret mounted there: each is written to a file of its own
      // (the rendered Secret's value, or a stand-in for one the runbook creates), which the setting then names.
      const files = mkdtempSync(join(tmpdir(), 'nix-k8s-files-'));
      try {
        for (const variable of FILE_SETTINGS) {
          if (env[variable] === undefined) continue;
          const file = secretFileOf(`${where} ${variable}`, pod, container, env[variable], sources);
          if ('finding' in file) {
            findings.push(file.finding);
            continue;
          }
          if (file.value === undefined) continue;
          const path = join(files, variable);
          writeFileSync(path, file.value ?? standInFile(variable));
          env[variable] = path;
        }
        const config = loadConfig(env, ROLE_DEFAULTS[role] ?? ROLE_DEFAULTS.nix);
        for (const warning of config.warnings) findings.push(`${where}: NIX warns: ${warning}`);
        if (role === 'adapter') servedRegistries(config, catalog);
        if (pod.owner.kind !== 'Job') {
          const ports = new Map<string, number>((container.ports ?? []).map((p: Json) => [p.name, p.containerPort]));
          if (ports.get('http') !== config.http.port) findings.push(`${where}: containerPort "http" is ${ports.get('http')}, but NIX listens on ${config.http.port} (PORT)`);
          if (ports.get('metrics') !== config.metrics.port) findings.push(`${where}: containerPort "metrics" is ${ports.get('metrics')}, but NIX serves /metrics on ${config.metrics.port} (NIX_METRICS_PORT)`);
          if (config.metrics.host === '127.0.0.1' || config.metrics.host === 'localhost') findings.push(`${where}: NIX_METRICS_HOST is loopback, so Prometheus cannot reach the metrics port`);
          const instance = (container.env ?? []).find((v: Json) => v.name === 'NIX_INSTANCE_ID');
          if (instance?.valueFrom?.fieldRef?.fieldPath !== 'metadata.name') findings.push(`${where}: NIX_INSTANCE_ID is not the pod's name (fieldRef metadata.name)`);
        }
      } catch (error) {
        findings.push(`${where}: NIX would not start: ${(error as Error).message.replaceAll(files, '<the mounted file>')}`);
      } finally {
        rmSync(files, { recursive: true, force: true });
      }
    }
  }
  return findings;
}

/**
 * The file a setting names: in a mounted volume, and if that is a Secret's, one of its keys. Answers the Secret's
 * value (null: created by the runbook, value unknown; undefined: not a Secret's file) or a finding.
 */
function secretFileOf(where: string, pod: PodTemplate, container: Json, path: string, sources: Sources): { secret?: string; value: string | null | undefined } | { finding: string } {
  const mount = (container.volumeMounts ?? []).find((m: Json) => path.startsWith(`${m.mountPath.replace(/\/$/, '')}/`));
  if (!mount) return { finding: `${where}: ${path} is in no mounted volume` };
  const volume = (pod.spec.volumes ?? []).find((v: Json) => v.name === mount.name);
  const file = path.slice(mount.mountPath.replace(/\/$/, '').length + 1);
  if (!volume?.secret) return { value: undefined };
  const items: Json[] | undefined = volume.secret.items;
  const key = items ? items.find((i) => i.path === file)?.key : file;
  const keys = sources.secrets.get(volume.secret.secretName);
  if (!key || !keys?.has(key)) return { finding: `${where}: ${path} is not a key of Secret ${volume.secret.secretName}` };
  return { secret: volume.secret.secretName, value: keys.get(key) ?? null };
}

// ------------------------------------------------------------------ Kafka users and their ACLs

/** A workload that authenticates to Kafka (KAFKA_SASL_MECHANISM): as which user, from which Secret. */
export interface KafkaUser {
  workload: string;
  role: Role;
  /** The Secret holding the user's name and password. */
  secret: string | undefined;
  /** The user's name: the rendered Secret's, or the one the runbook gives literally; null when unknown. */
  user: string | null;
}

/** The arguments after `npm run kafka:acls --`, as the command's grants (see apps/nix/src/kafka-acls.ts). */
export function aclGrantsOf(container: Json): KafkaRoleGrant[] {
  const words: string[] = [...(container.command ?? []), ...(container.args ?? [])].map(String);
  const start = words.indexOf('kafka:acls');
  const args = words.slice(start + 1).filter((w) => w !== '--');
  const grants: KafkaRoleGrant[] = [];
  for (let i = 0; i < args.length; i++) {
    const option = /^--(broker|adapter|recorder)(?:=(.*))?$/.exec(args[i]);
    if (!option) continue;
    const value = option[2] ?? args[++i] ?? '';
    const at = value.indexOf('=');
    if (option[1] === 'recorder') grants.push({ role: 'recorder', user: value });
    else if (option[1] === 'broker') grants.push({ role: 'broker', user: value.slice(0, at), instanceId: value.slice(at + 1) });
    else grants.push({ role: 'adapter', user: value.slice(0, at), registries: value.slice(at + 1).split(',') });
  }
  return grants;
}

/** The pods' names of a StatefulSet (their NIX_INSTANCE_ID), of a Deployment none that can be known. */
function podNamesOf(owner: K8sObject): string[] {
  return owner.kind === 'StatefulSet' ? Array.from({ length: owner.spec?.replicas ?? 1 }, (_, i) => `${owner.metadata.name}-${i}`) : [];
}

/**
 * Each workload that talks to Kafka as a SASL user has one of its own, from a Secret of its own (name and password
 * in the same Secret, the password a mounted file or a Secret reference, never a plain value); no two workloads share
 * a user or its Secret, so the Kafka admin user of the ACL Job reaches no NIX workload. A Job running
 * `npm run kafka:acls` grants each user exactly its workload's role: a broker user the reply topics of every pod of
 * its StatefulSet, an adapter user the registries its group serves (and whose published bindings it follows), the
 * recorder user the traffic topic; and no user that no workload runs as.
 */
export function kafkaUserFindings(objects: K8sObject[], context: CheckContext, catalog: Pick<ServiceCatalog, 'registries'>): string[] {
  const findings: string[] = [];
  const sources = sourcesOf(objects, context.documented);
  const users: (KafkaUser & { pod: PodTemplate; env: Record<string, string>; where: string })[] = [];
  for (const pod of podTemplates(objects)) {
    for (const container of (pod.spec.containers ?? []).filter(isNixContainer)) {
      const env = environmentOf(pod, container, sources);
      if (!env.KAFKA_SASL_MECHANISM) continue;
      const where = `${id(pod.owner)} container ${container.name}`;
      const variable = (name: string): Json => (container.env ?? []).find((v: Json) => v.name === name);
      const nameRef = variable('KAFKA_SASL_USERNAME')?.valueFrom?.secretKeyRef;
      let passwordSecret: string | undefined = variable('KAFKA_SASL_PASSWORD')?.valueFrom?.secretKeyRef?.name;
      if (env.KAFKA_SASL_PASSWORD_FILE) {
        const file = secretFileOf(where, pod, container, env.KAFKA_SASL_PASSWORD_FILE, sources);
        if ('secret' in file) passwordSecret = file.secret;
      }
      if (nameRef && passwordSecret && nameRef.name !== passwordSecret) findings.push(`${where}: its Kafka user's name is in Secret ${nameRef.name} and its password in Secret ${passwordSecret}; a user's name and password belong in one Secret`);
      const plain = variable('KAFKA_SASL_USERNAME')?.value;
      const user = plain !== undefined ? String(plain) : nameRef ? (sources.secrets.get(nameRef.name)?.get(nameRef.key) ?? null) : null;
      if (user === null) findings.push(`${where}: the name of its Kafka user is not known (the runbook's \`kubectl create secret\` gives it as --from-literal=username=NAME), so its ACLs cannot be checked`);
      users.push({ workload: id(pod.owner), role: roleOf(container), secret: passwordSecret ?? nameRef?.name, user, pod, env, where });
    }
  }
  const sharing = (key: (u: KafkaUser) => string | null | undefined, say: (value: string, workloads: string) => string) => {
    const by = new Map<string, Set<string>>();
    for (const u of users) {
      const value = key(u);
      if (value) by.set(value, (by.get(value) ?? new Set()).add(u.workload));
    }
    for (const [value, workloads] of by) if (workloads.size > 1) findings.push(say(value, [...workloads].sort().join(', ')));
  };
  sharing((u) => u.secret, (secret, workloads) => `Secret ${secret} holds the Kafka user of ${workloads}: each role has a Kafka user, and a Secret, of its own`);
  sharing((u) => u.user, (user, workloads) => `Kafka user ${user} is the user of ${workloads}: each role has a Kafka user of its own`);

  const aclJobs = podTemplates(objects).flatMap((pod) => (pod.spec.containers ?? []).filter((c: Json) => isNixContainer(c) && roleOf(c) === 'kafka-acls').map((c: Json) => ({ pod, container: c })));
  const served = users.filter((u) => ['broker', 'adapter', 'recorder'].includes(u.role));
  if (served.length === 0) return findings;
  if (aclJobs.length === 0) {
    findings.push(`no Job runs npm run kafka:acls: the Kafka users ${served.map((u) => u.user).join(', ')} get no ACLs`);
    return findings;
  }
  const grants = aclJobs.flatMap(({ pod, container }) => aclGrantsOf(container).map((grant) => ({ grant, where: `${id(pod.owner)} container ${container.name}` })));
  for (const { grant, where } of grants) {
    try {
      roleAcls({ topicPrefix: 'nix' }, grant);
    } catch (error) {
      findings.push(`${where}: kafka:acls would refuse --${grant.role} ${grant.user}: ${(error as Error).message}`);
    }
    const runs = served.filter((u) => u.user === grant.user);
    if (runs.length === 0) findings.push(`${where}: grants Kafka user ${grant.user} the ${grant.role} role, but no workload runs as ${grant.user}`);
    for (const u of runs) if (u.role !== grant.role) findings.push(`${where}: grants Kafka user ${grant.user} the ${grant.role} role, but ${u.workload} runs the ${u.role} role as ${grant.user}`);
  }
  for (const u of served) {
    if (u.user === null) continue;
    const mine = grants.map((g) => g.grant).filter((g) => g.user === u.user && g.role === u.role);
    const owner = u.pod.owner;
    if (u.role === 'broker') {
      const instances = mine.map((g) => (g as Extract<KafkaRoleGrant, { role: 'broker' }>).instanceId);
      const covered = (pod: string) => instances.some((i) => (i.endsWith('*') ? pod.startsWith(i.slice(0, -1)) : pod === i));
      const pods = podNamesOf(owner);
      const missing = pods.filter((pod) => !covered(pod));
      if (owner.kind !== 'StatefulSet' || missing.length > 0 || mine.length === 0) {
        findings.push(`${u.where}: Kafka user ${u.user} is granted no broker ACLs for ${missing.join(', ') || 'its pods'} (kafka:acls --broker ${u.user}=${owner.metadata.name}-*)`);
      }
    } else if (u.role === 'adapter') {
      const granted = new Set(mine.flatMap((g) => (g as Extract<KafkaRoleGrant, { role: 'adapter' }>).registries));
      const serves = u.env.NIX_ADAPTER_REGISTRIES ? u.env.NIX_ADAPTER_REGISTRIES.split(',') : catalog.registries.map((r) => r.registry);
      const published = u.env.NIX_ADAPTER_PUBLISHED_REGISTRIES ?? '*';
      // An adapter process with DATABASE_URL follows the catalogue and joins the topics of published http bindings.
      const follows = u.env.DATABASE_URL ? (published === '*' ? null : published.split(',')) : [];
      if (follows === null) findings.push(`${u.where}: follows the published bindings of every registry (NIX_ADAPTER_PUBLISHED_REGISTRIES=*), but its Kafka user ${u.user} may read only ${[...granted].join(', ') || 'none'}: name its registries`);
      const missing = [...new Set([...serves, ...(follows ?? [])])].filter((r) => !granted.has(r));
      if (missing.length > 0) findings.push(`${u.where}: Kafka user ${u.user} may not read the inquiries of ${missing.join(', ')} (kafka:acls --adapter ${u.user}=…)`);
    } else if (mine.length === 0) {
      findings.push(`${u.where}: Kafka user ${u.user} is granted no recorder ACLs (kafka:acls --recorder ${u.user})`);
    }
  }
  return findings;
}

// ------------------------------------------------------------------ ports, probes, Services, monitoring

export interface ProbeRequest {
  where: string;
  /** Which listener of NIX: the API port ("http") or the metrics port ("metrics"). */
  listener: 'http' | 'metrics';
  path: string;
}

/**
 * Probes and scrape annotations of NIX containers: each names a port the container has; what they ask for is
 * returned, to be asked of the running app. Long-running containers have readiness and liveness probes.
 */
export function probeFindings(objects: K8sObject[]): { findings: string[]; requests: ProbeRequest[] } {
  const findings: string[] = [];
  const requests: ProbeRequest[] = [];
  for (const pod of podTemplates(objects)) {
    for (const container of (pod.spec.containers ?? []).filter(isNixContainer)) {
      const where = `${id(pod.owner)} container ${container.name}`;
      const ports: Json[] = container.ports ?? [];
      const portName = (port: string | number): 'http' | 'metrics' | undefined => ports.find((p) => p.name === port || p.containerPort === port)?.name;
      const longRunning = pod.owner.kind !== 'Job';
      for (const kind of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
        const probe = container[kind];
        if (!probe) {
          if (longRunning && kind !== 'startupProbe') findings.push(`${where}: has no ${kind}`);
          continue;
        }
        const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
        const listener = port === undefined ? undefined : portName(port);
        if (!listener) {
          findings.push(`${where}: ${kind} uses port ${port}, which the container does not declare`);
          continue;
        }
        if (probe.httpGet) requests.push({ where: `${where} ${kind}`, listener, path: probe.httpGet.path });
      }
      if (longRunning && container.readinessProbe?.httpGet?.path === container.livenessProbe?.httpGet?.path) {
        findings.push(`${where}: readiness and liveness probe the same path; readiness must be /health/ready`);
      }
      const annotations: Record<string, string> = pod.owner.spec?.template?.metadata?.annotations ?? {};
      if (annotations['prometheus.io/scrape'] === 'true') {
        const port = Number(annotations['prometheus.io/port']);
        const listener = portName(port);
        if (listener !== 'metrics') findings.push(`${where}: prometheus.io/port ${annotations['prometheus.io/port']} is not the container's metrics port`);
        else requests.push({ where: `${where} prometheus.io/path`, listener, path: annotations['prometheus.io/path'] ?? '/metrics' });
      }
    }
  }
  return { findings, requests };
}

/** Services select pods and reach declared ports; ServiceMonitors select Services and their ports. */
export function serviceFindings(objects: K8sObject[]): string[] {
  const findings: string[] = [];
  const pods = podTemplates(objects);
  const services = objects.filter((o) => o.kind === 'Service');
  for (const service of services) {
    const selected = pods.filter((p) => service.spec.selector && matches(service.spec.selector, p.labels));
    if (selected.length === 0) {
      findings.push(`${id(service)}: selects no pod`);
      continue;
    }
    for (const port of service.spec.ports ?? []) {
      const target = port.targetPort ?? port.port;
      for (const pod of selected) {
        const declared = (pod.spec.containers ?? []).flatMap((c: Json) => c.ports ?? []);
        if (!declared.some((p: Json) => p.name === target || p.containerPort === target)) {
          findings.push(`${id(service)} port ${port.name ?? port.port}: targetPort ${target} is no container port of ${id(pod.owner)}`);
        }
      }
    }
  }
  for (const monitor of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    const selected = services.filter((s) => selects(monitor.spec.selector, s.metadata.labels ?? {}));
    if (selected.length === 0) findings.push(`${id(monitor)}: selects no Service`);
    for (const endpoint of monitor.spec.endpoints ?? []) {
      for (const service of selected) {
        if (!(service.spec.ports ?? []).some((p: Json) => p.name === endpoint.port)) findings.push(`${id(monitor)}: ${id(service)} has no port named ${endpoint.port}`);
      }
    }
    if (monitor.spec.jobLabel) {
      for (const service of selected) {
        const job = service.metadata.labels?.[monitor.spec.jobLabel];
        // The alert rules and the dashboard select job=~"nix-.*".
        if (!job || !/^nix-/.test(job)) findings.push(`${id(monitor)}: ${id(service)} would be scraped as job "${job}", not nix-…`);
      }
    }
  }
  return findings;
}

// ------------------------------------------------------------------ NetworkPolicies

/** Who may connect to a pod's port, as the policies allow it: from outside the namespace, or only from inside. */
export function networkFindings(objects: K8sObject[]): string[] {
  const findings: string[] = [];
  const pods = podTemplates(objects);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  if (!policies.some((p) => Object.keys(p.spec.podSelector ?? {}).length === 0 && (p.spec.policyTypes ?? []).includes('Ingress') && (p.spec.ingress ?? []).length === 0)) {
    findings.push('no NetworkPolicy denies all ingress by default (podSelector {}, Ingress, no rule)');
  }
  for (const policy of policies) {
    const selected = pods.filter((p) => selects(policy.spec.podSelector, p.labels));
    if (selected.length === 0) findings.push(`${id(policy)}: its podSelector selects no pod`);
    for (const [index, rule] of (policy.spec.ingress ?? []).entries()) {
      const where = `${id(policy)} ingress ${index}`;
      const ports: Json[] = rule.ports ?? [];
      for (const port of ports) {
        if (!selected.some((pod) => (pod.spec.containers ?? []).some((c: Json) => (c.ports ?? []).some((p: Json) => p.name === port.port || p.containerPort === port.port)))) {
          findings.push(`${where}: port ${port.port} is no container port of the pods it selects`);
        }
      }
      const from: Json[] = rule.from ?? [];
      for (const peer of from) {
        if (peer.podSelector && !peer.namespaceSelector && !pods.some((p) => selects(peer.podSelector, p.labels))) findings.push(`${where}: from.podSelector selects no pod`);
      }
      // Sources outside the namespace: any (no from), an ipBlock, or another namespace.
      const fromAnywhere = from.length === 0 || from.some((peer) => peer.ipBlock);
      const namespaces = from.filter((peer) => peer.namespaceSelector).map((peer) => peer.namespaceSelector);
      const portNames = ports.map((p) => p.port);
      if (fromAnywhere) {
        const notBroker = selected.filter((p) => p.labels['app.kubernetes.io/component'] !== 'broker');
        if (notBroker.length > 0) findings.push(`${where}: opens ${notBroker.map((p) => id(p.owner)).join(', ')} to everyone; only the broker may be reachable from outside`);
        if (portNames.length === 0 || portNames.some((p) => p !== 'http')) findings.push(`${where}: opens ${portNames.length === 0 ? 'every port' : portNames.join(', ')} to everyone; only the broker's API port (http) may be`);
      }
      for (const namespace of namespaces) {
        const monitoring = JSON.stringify(namespace) === JSON.stringify({ matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } });
        if (!monitoring) findings.push(`${where}: admits namespaces ${JSON.stringify(namespace)}; only the monitoring namespace may come in (to the metrics port)`);
        else if (portNames.length === 0 || portNames.some((p) => p !== 'metrics')) findings.push(`${where}: lets the monitoring namespace reach ${portNames.join(', ') || 'every port'}; only the metrics port`);
      }
    }
  }
  // The metrics port of every NIX pod is reachable from the monitoring namespace (or Prometheus scrapes nothing).
  for (const pod of pods.filter((p) => (p.spec.containers ?? []).some((c: Json) => isNixContainer(c) && (c.ports ?? []).some((port: Json) => port.name === 'metrics')))) {
    const open = policies.some(
      (policy) =>
        selects(policy.spec.podSelector, pod.labels) &&
        (policy.spec.ingress ?? []).some((rule: Json) => (rule.from ?? []).some((peer: Json) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring') && (rule.ports ?? []).some((p: Json) => p.port === 'metrics')),
    );
    if (!open) findings.push(`${id(pod.owner)}: its metrics port is not open to the monitoring namespace`);
  }
  return findings;
}

// ------------------------------------------------------------------ workloads' shape

/**
 * Brokers are a StatefulSet with their data on a claim; graceful termination covers the drain; PDBs and HPAs target
 * workloads that exist; adapters never scale past the partitions that share their work; CPU targets have requests.
 */
export function workloadFindings(objects: K8sObject[], context: CheckContext): string[] {
  const findings: string[] = [];
  const sources = sourcesOf(objects, context.documented);
  const pods = podTemplates(objects);
  for (const pod of pods) {
    const nix = (pod.spec.containers ?? []).filter(isNixContainer);
    if (nix.length === 0 || pod.owner.kind === 'Job') continue;
    for (const container of nix) {
      const where = `${id(pod.owner)} container ${container.name}`;
      const env = environmentOf(pod, container, sources);
      const drainMs = Number(env.NIX_SHUTDOWN_DRAIN_MS ?? 10_000);
      const preStop = container.lifecycle?.preStop?.exec?.command;
      const sleep = Array.isArray(preStop) && preStop[0] === 'sleep' ? Number(preStop[1]) : 0;
      // NIX exits by itself at the latest drain + 15 s after SIGTERM (libs/runtime/src/run-nix.ts).
      const needed = sleep + drainMs / 1000 + 15;
      const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
      if (grace < needed) findings.push(`${where}: terminationGracePeriodSeconds ${grace} is shorter than preStop ${sleep} s + NIX_SHUTDOWN_DRAIN_MS ${drainMs / 1000} s + 15 s`);
      if (roleOf(container) === 'broker') {
        if (pod.owner.kind !== 'StatefulSet') findings.push(`${where}: brokers must be a StatefulSet (stable NIX_INSTANCE_ID)`);
        const claims = (pod.owner.spec?.volumeClaimTemplates ?? []).map((t: Json) => t.metadata.name);
        const dataMount = (container.volumeMounts ?? []).find((m: Json) => m.mountPath === env.NIX_DATA_DIR);
        if (!dataMount || !claims.includes(dataMount.name)) findings.push(`${where}: NIX_DATA_DIR (${env.NIX_DATA_DIR}) is not on the pod's own volume claim`);
      }
    }
  }
  // Pod Security "restricted", which the production namespace enforces: a pod that breaks it is never created.
  for (const pod of pods.filter((p) => (p.spec.containers ?? []).some(isNixContainer))) {
    for (const container of pod.spec.containers ?? []) {
      const where = `${id(pod.owner)} container ${container.name}`;
      const context = { ...pod.spec.securityContext, ...container.securityContext };
      if (context.runAsNonRoot !== true) findings.push(`${where}: runAsNonRoot is not true`);
      if (context.allowPrivilegeEscalation !== false) findings.push(`${where}: allowPrivilegeEscalation is not false`);
      if (!(context.capabilities?.drop ?? []).includes('ALL')) findings.push(`${where}: does not drop ALL capabilities`);
      if (!['RuntimeDefault', 'Localhost'].includes(context.seccompProfile?.type)) findings.push(`${where}: has no RuntimeDefault seccomp profile`);
      if (context.readOnlyRootFilesystem !== true) findings.push(`${where}: its root file system is writable`);
    }
  }
  for (const set of objects.filter((o) => o.kind === 'StatefulSet')) {
    const governing = objects.find((o) => o.kind === 'Service' && o.metadata.name === set.spec.serviceName);
    if (!governing || governing.spec.clusterIP !== 'None' || !matches(governing.spec.selector, set.spec.template.metadata?.labels ?? {})) {
      findings.push(`${id(set)}: serviceName ${set.spec.serviceName} is not a headless Service selecting its pods`);
    }
  }
  for (const budget of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
    if (!pods.some((p) => selects(budget.spec.selector, p.labels))) findings.push(`${id(budget)}: selects no pod`);
  }
  if (!objects.some((o) => o.kind === 'PodDisruptionBudget' && pods.some((p) => p.owner.kind === 'StatefulSet' && p.labels['app.kubernetes.io/component'] === 'broker' && selects(o.spec.selector, p.labels)))) {
    findings.push('no PodDisruptionBudget covers the brokers');
  }
  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const ref = hpa.spec.scaleTargetRef;
    const target = pods.find((p) => p.owner.kind === ref.kind && p.owner.metadata.name === ref.name);
    if (!target) {
      findings.push(`${id(hpa)}: scales ${ref.kind}/${ref.name}, which does not exist`);
      continue;
    }
    const container = (target.spec.containers ?? []).find(isNixContainer);
    const partitions = Number(container ? (environmentOf(target, container, sources).NIX_KAFKA_PARTITIONS ?? 6) : 6);
    if (hpa.spec.maxReplicas > partitions) findings.push(`${id(hpa)}: maxReplicas ${hpa.spec.maxReplicas} is more than the ${partitions} partitions its pods share (NIX_KAFKA_PARTITIONS)`);
    // An apply would reset the count the autoscaler chose.
    if (target.owner.spec?.replicas !== undefined) findings.push(`${id(hpa)}: ${ref.kind}/${ref.name} sets replicas, which every apply would reset under the autoscaler`);
    const cpu = (hpa.spec.metrics ?? []).some((m: Json) => m.type === 'Resource' && m.resource?.name === 'cpu');
    if (cpu && (target.spec.containers ?? []).some((c: Json) => !c.resources?.requests?.cpu)) findings.push(`${id(hpa)}: scales on CPU, but a container of ${ref.name} requests no CPU`);
  }
  for (const pod of pods.filter((p) => p.owner.kind === 'Deployment' && (p.spec.containers ?? []).some((c: Json) => roleOf(c) === 'adapter'))) {
    if (!objects.some((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === pod.owner.metadata.name)) findings.push(`${id(pod.owner)}: no HorizontalPodAutoscaler scales it`);
  }
  return findings;
}

/** Every check that needs no running app. */
export function allFindings(objects: K8sObject[], context: CheckContext, catalog: ServiceCatalog): string[] {
  return [
    ...schemaFindings(objects),
    ...referenceFindings(objects, context),
    ...settingFindings(objects, context, catalog),
    ...kafkaUserFindings(objects, context, catalog),
    ...probeFindings(objects).findings,
    ...serviceFindings(objects),
    ...networkFindings(objects),
    ...workloadFindings(objects, context),
  ];
}

export function checkContext(runbook = readFileSync(join(ROOT, 'deploy/README.md'), 'utf8')): CheckContext {
  return { documented: documentedSecrets(runbook), scripts: JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts };
}
