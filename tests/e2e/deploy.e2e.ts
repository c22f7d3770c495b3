/**
 * The deployment files in deploy/ are consistent with the code: the compose stack only sets settings
 * NIX reads and only runs npm scripts that exist, Prometheus scrapes what compose runs, the alert rules
 * and the dashboard only query metrics NIX exports, and the dashboard is a valid Grafana dashboard.
 * Nothing is started: no Docker, no Prometheus, no Grafana needed.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import Ajv from 'ajv';
import { parseDocument } from 'yaml';
import { ENV_SCHEMA, loadConfig } from '@nix/config';
import { NixMetrics } from '@nix/observability';

const ROOT = resolve(__dirname, '../..');
const DEPLOY = join(ROOT, 'deploy');
const NIX_IMAGE = 'nix:local';
/** Read by NIX though not all of them are NIX_ settings; ENV_SCHEMA lists them too. */
const STANDARD_VARIABLES = ['KAFKA_BROKERS', 'DATABASE_URL', 'NODE_ENV', 'PORT', 'HOST'];

type Json = any; // parsed YAML / JSON documents

function readYaml(path: string): Json {
  const document = parseDocument(readFileSync(path, 'utf8'), { merge: true, prettyErrors: true });
  if (document.errors.length > 0) throw new Error(`${path}: ${document.errors.map((e) => e.message).join('\n')}`);
  return document.toJS();
}

function readJson(path: string): Json {
  return JSON.parse(readFileSync(path, 'utf8'));
}

// ------------------------------------------------------------------ PromQL, roughly

/** Removes string literals, so that label values ("nix_…" or "$registry") are not taken for metric names. */
function withoutStrings(expr: string): string {
  return expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
}

/** The metric names an expression selects that belong to NIX (nix_…), in order of appearance, without repeats. */
function nixMetricNames(expr: string): string[] {
  return [...new Set(withoutStrings(expr).match(/(?<![A-Za-z0-9_:$])nix_[A-Za-z0-9_:]*/g) ?? [])];
}

/** Brackets pair up, outside strings: catches a truncated or mis-edited expression. */
function balanced(expr: string): boolean {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const c of withoutStrings(expr)) {
    if ('([{'.includes(c)) stack.push(c);
    else if (c in pairs && stack.pop() !== pairs[c]) return false;
  }
  return stack.length === 0;
}

/** Every series name NIX exports: the registered families, plus _bucket/_sum/_count for histograms and summaries. */
async function exportedMetricNames(): Promise<Set<string>> {
  const metrics = new NixMetrics();
  try {
    const names = new Set<string>();
    for (const family of await metrics.registry.getMetricsAsJSON()) {
      names.add(family.name);
      const type = String(family.type);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(family.name + suffix);
      if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(family.name + suffix);
    }
    return names;
  } finally {
    metrics.registry.clear();
  }
}

function unknownMetrics(expr: string, exported: Set<string>): string[] {
  return nixMetricNames(expr).filter((name) => !exported.has(name));
}

// ------------------------------------------------------------------ compose helpers

const compose = readYaml(join(DEPLOY, 'docker-compose.yml'));
const services: Record<string, Json> = compose.services ?? {};
const packageJson = readJson(join(ROOT, 'package.json'));

const isNixService = (service: Json): boolean => service.image === NIX_IMAGE || service.build?.dockerfile === 'deploy/Dockerfile';
const nixServices = Object.entries(services).filter(([, service]) => isNixService(service));

/** Compose's ${VAR:-default} / ${VAR-default} with the default taken, as on a machine without a .env file. */
function interpolate(value: string, where: string): string {
  return value
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g, (_match, name: string, fallback: string | undefined) => {
      if (fallback === undefined) throw new Error(`${where}: \${${name}} has no default, so the stack needs a .env file`);
      return fallback;
    })
    .replace(/\$\$/g, '$');
}

function environmentOf(name: string, service: Json): Record<string, string> {
  const raw = service.environment ?? {};
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.map((item: string) => {
        const at = item.indexOf('=');
        return at < 0 ? [item, ''] : [item.slice(0, at), item.slice(at + 1)];
      })
    : Object.entries(raw);
  return Object.fromEntries(entries.map(([key, value]) => [key, interpolate(String(value ?? ''), `${name}.environment.${key}`)]));
}

function commandOf(service: Json): string[] {
  const command = service.command;
  if (command === undefined) return ['npm', 'start']; // the image's CMD
  return Array.isArray(command) ? command.map(String) : String(command).split(/\s+/).filter(Boolean);
}

/** The npm scripts a command line runs: `npm start`, `npm run X`, `npm run-script X`, possibly after `sh -c`. */
function npmScripts(words: string[]): string[] {
  const text = words.join(' ');
  const scripts: string[] = [];
  for (const match of text.matchAll(/\bnpm\s+(?:(start|stop|restart|test)\b|(?:run|run-script)\s+([^\s;&|]+))/g)) scripts.push(match[1] ?? match[2]);
  return scripts;
}

function dependsOn(service: Json): string[] {
  const value = service.depends_on;
  if (!value) return [];
  return Array.isArray(value) ? value.map(String) : Object.keys(value);
}

interface Mount {
  source: string;
  target: string;
  bind: boolean;
}

function mountsOf(service: Json): Mount[] {
  return (service.volumes ?? []).map((volume: Json): Mount => {
    if (typeof volume === 'string') {
      const [source, target] = volume.split(':');
      const bind = source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
      return { source, target, bind };
    }
    return { source: String(volume.source), target: String(volume.target), bind: volume.type === 'bind' };
  });
}

const portOf = (env: Record<string, string>): number => Number(env.PORT ?? 3000);
/** Compose sets the metrics port explicitly: the default depends on the role the command starts. */
const metricsPortOf = (env: Record<string, string>): number | undefined => (env.NIX_METRICS_PORT ? Number(env.NIX_METRICS_PORT) : undefined);

// ------------------------------------------------------------------ tests

describe('deploy/docker-compose.yml', () => {
  it('parses, and runs the broker, adapters, recorder, migration, Kafka, PostgreSQL, Prometheus and Grafana', () => {
    expect(Object.keys(services).length).toBeGreaterThan(0);
    const scripts = nixServices.flatMap(([, service]) => npmScripts(commandOf(service)));
    for (const script of ['start:broker', 'start:adapter', 'start:recorder', 'migrate']) expect(scripts).toContain(script);
    const images = Object.values(services).map((service) => String(service.image ?? ''));
    for (const image of ['apache/kafka:', 'postgres:16', 'prom/prometheus:', 'grafana/grafana']) {
      expect(images.some((i) => i.startsWith(image))).toBe(true);
    }
  });

  it('refers only to services, volumes and files that exist', () => {
    const problems: string[] = [];
    const declaredVolumes = new Set(Object.keys(compose.volumes ?? {}));
    for (const [name, service] of Object.entries(services)) {
      for (const target of dependsOn(service)) if (!services[target]) problems.push(`${name} depends on unknown service ${target}`);
      if (service.build) {
        const context = resolve(DEPLOY, service.build.context ?? '.');
        if (context !== ROOT) problems.push(`${name} builds from ${context}, not the repository root`);
        if (!existsSync(join(context, service.build.dockerfile ?? 'Dockerfile'))) problems.push(`${name}: no ${service.build.dockerfile}`);
      }
      for (const mount of mountsOf(service)) {
        if (mount.bind) {
          const path = isAbsolute(mount.source) ? mount.source : resolve(DEPLOY, mount.source);
          if (!path.startsWith(DEPLOY + '/')) problems.push(`${name} mounts ${mount.source}, outside deploy/`);
          else if (!existsSync(path)) problems.push(`${name} mounts ${mount.source}, which does not exist`);
        } else if (!declaredVolumes.has(mount.source)) {
          problems.push(`${name} uses volume ${mount.source}, not declared under volumes:`);
        }
      }
    }
    const published = Object.entries(services).flatMap(([name, service]) =>
      (service.ports ?? []).map((port: Json) => ({ name, host: String(port).split(':').slice(0, -1).join(':') })),
    );
    for (const { name, host } of published) {
      if (published.filter((p) => p.host === host).length > 1) problems.push(`${name}: host port ${host} is published twice`);
    }
    expect(problems).toEqual([]);
  });

  it('sets only environment variables that NIX reads, on every NIX service', () => {
    const known = new Set([...Object.keys(ENV_SCHEMA.properties), ...STANDARD_VARIABLES]);
    const patterns = Object.keys(ENV_SCHEMA.patternProperties).map((p) => new RegExp(p));
    const unknown: string[] = [];
    expect(nixServices.length).toBeGreaterThanOrEqual(5);
    for (const [name, service] of nixServices) {
      for (const key of Object.keys(environmentOf(name, service))) {
        if (!known.has(key) && !patterns.some((p) => p.test(key))) unknown.push(`${name}: ${key}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it("gives every NIX service a configuration NIX accepts, with its own NIX_INSTANCE_ID", () => {
    const problems: string[] = [];
    const instanceIds = new Map<string, string>();
    for (const [name, service] of nixServices) {
      const env = environmentOf(name, service);
      if (!env.NIX_INSTANCE_ID) problems.push(`${name}: no NIX_INSTANCE_ID`);
      else if (instanceIds.has(env.NIX_INSTANCE_ID)) problems.push(`${name}: NIX_INSTANCE_ID ${env.NIX_INSTANCE_ID} is also ${instanceIds.get(env.NIX_INSTANCE_ID)}'s`);
      else instanceIds.set(env.NIX_INSTANCE_ID, name);
      try {
        const config = loadConfig(env);
        if (config.warnings.length > 0) problems.push(`${name}: ${config.warnings.join('; ')}`);
      } catch (error) {
        problems.push(`${name}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('points KAFKA_BROKERS and DATABASE_URL at services it runs, and starts each service after what it needs', () => {
    const problems: string[] = [];
    for (const [name, service] of nixServices) {
      const env = environmentOf(name, service);
      const needs = dependsOn(service);
      for (const broker of (env.KAFKA_BROKERS ?? '').split(',').filter(Boolean)) {
        const host = broker.split(':')[0];
        if (!services[host]) problems.push(`${name}: KAFKA_BROKERS names ${host}, not a service`);
        else if (!needs.includes(host)) problems.push(`${name} uses Kafka but does not depend on ${host}`);
      }
      if (env.DATABASE_URL) {
        const host = new URL(env.DATABASE_URL).hostname;
        if (!services[host]) problems.push(`${name}: DATABASE_URL names ${host}, not a service`);
        const migrates = npmScripts(commandOf(service)).includes('migrate');
        const waitsForMigration = needs.some((n) => npmScripts(commandOf(services[n])).includes('migrate') && service.depends_on[n]?.condition === 'service_completed_successfully');
        if (migrates ? !needs.includes(host) : !waitsForMigration) problems.push(`${name} uses the database but does not wait for ${migrates ? host : 'the migration'}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('runs only npm scripts that package.json has', () => {
    const missing = nixServices.flatMap(([name, service]) =>
      npmScripts(commandOf(service))
        .filter((script) => !packageJson.scripts?.[script])
        .map((script) => `${name}: npm script "${script}"`),
    );
    expect(missing).toEqual([]);
  });
});

describe('deploy/Dockerfile', () => {
  const dockerfile = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const ignore = readFileSync(join(DEPLOY, 'Dockerfile.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  it('builds in stages from node:20-bookworm-slim: npm ci, npm run build, dev dependencies pruned', () => {
    const from = instructions.filter((line) => /^FROM\s/i.test(line));
    expect(from.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/node:20-bookworm-slim/);
    expect(dockerfile).toMatch(/\bnpm ci\b/);
    expect(dockerfile).toMatch(/\bnpm run build\b/);
    expect(dockerfile).toMatch(/\bnpm prune --omit=dev\b/);
  });

  it('runs as a non-root user, checks /health/live, and starts with an npm script that exists', () => {
    const runtime = instructions.slice(instructions.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true));
    const user = runtime.filter((line) => /^USER\s/i.test(line)).pop();
    expect(user).toBeDefined();
    expect(user!.split(/\s+/)[1]).not.toMatch(/^(root|0)(:|$)/);
    expect(runtime.find((line) => /^HEALTHCHECK\s/i.test(line))).toMatch(/\/health\/live/);
    const cmd = runtime.filter((line) => /^CMD\s/i.test(line)).pop()!;
    const words = JSON.parse(cmd.replace(/^CMD\s+/i, '')) as string[];
    expect(words).toEqual(['npm', 'start']);
    for (const script of npmScripts(words)) expect(packageJson.scripts?.[script]).toBeDefined();
    const entrypoint = join(DEPLOY, 'docker-entrypoint.sh');
    expect(() => accessSync(entrypoint, constants.X_OK)).not.toThrow();
  });

  it('exposes the API port and the metrics port, and leaves the metrics listener on loopback unless told otherwise', () => {
    const exposed = instructions.filter((line) => /^EXPOSE\s/i.test(line)).flatMap((line) => line.split(/\s+/).slice(1));
    const env = instructions.filter((line) => /^ENV\s/i.test(line)).join(' ');
    const metricsPort = /\bNIX_METRICS_PORT=(\d+)/.exec(env)?.[1];
    expect(metricsPort).toBeDefined();
    expect(exposed).toEqual(expect.arrayContaining(['3000', metricsPort]));
    expect(env).not.toMatch(/\bNIX_METRICS_HOST=/);
  });

  it('copies only files that exist and that Dockerfile.dockerignore lets into the build context', () => {
    const problems: string[] = [];
    for (const line of instructions.filter((l) => /^COPY\s/i.test(l))) {
      const words = line.split(/\s+/).slice(1);
      if (words.some((w) => w.startsWith('--from='))) continue;
      const sources = words.filter((w) => !w.startsWith('--')).slice(0, -1);
      for (const source of sources) {
        const path = source.replace(/\/$/, '');
        if (!existsSync(join(ROOT, path))) problems.push(`COPY ${source}: no such file`);
        const allowed = ignore.some((rule) => rule.startsWith('!') && rule.slice(1).replace(/\/$/, '') === path);
        if (!allowed) problems.push(`COPY ${source}: not allowed by Dockerfile.dockerignore`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('deploy/prometheus', () => {
  const prometheus = readYaml(join(DEPLOY, 'prometheus', 'prometheus.yml'));
  const alerts = readYaml(join(DEPLOY, 'prometheus', 'alerts.yml'));
  const rules: Json[] = (alerts.groups ?? []).flatMap((group: Json) => group.rules ?? []);
  let exported: Set<string>;

  beforeAll(async () => {
    exported = await exportedMetricNames();
  });

  it('finds the metric names in an expression, and tells apart the ones NIX does not export', () => {
    expect(nixMetricNames('sum by (registry) (rate(nix_inquiries_total{outcome="nix_x"}[5m])) / nix_inquiries_in_flight')).toEqual([
      'nix_inquiries_total',
      'nix_inquiries_in_flight',
    ]);
    expect(unknownMetrics('histogram_quantile(0.99, rate(nix_inquiry_duration_seconds_bucket[5m]))', exported)).toEqual([]);
    expect(unknownMetrics('rate(nix_inquiries[5m]) + nix_breaker_state_total', exported)).toEqual(['nix_inquiries', 'nix_breaker_state_total']);
    expect(exported).toContain('nix_process_cpu_seconds_total');
    expect(exported).toContain('nix_nodejs_eventloop_lag_p99_seconds');
    expect(balanced('sum(rate(x[5m])')).toBe(false);
  });

  it('loads the alert rules file that compose mounts', () => {
    const mounts = mountsOf(services.prometheus ?? {});
    const files: string[] = prometheus.rule_files ?? [];
    expect(files.length).toBeGreaterThan(0);
    for (const file of [...files, '/etc/prometheus/prometheus.yml']) {
      const mount = mounts.find((m) => m.target === file);
      expect(mount && existsSync(resolve(DEPLOY, mount.source)) ? file : `${file} is not mounted from deploy/`).toBe(file);
    }
    const command: string[] = services.prometheus.command ?? [];
    expect(command).toContain('--config.file=/etc/prometheus/prometheus.yml');
  });

  it('scrapes every long-running NIX service on its metrics listener (never its API PORT), labelled with its NIX_INSTANCE_ID', () => {
    const scraped = new Map<string, Json>();
    for (const job of prometheus.scrape_configs ?? []) {
      if (!String(job.job_name).startsWith('nix-')) continue;
      expect(job.metrics_path ?? '/metrics').toBe('/metrics');
      for (const group of job.static_configs ?? []) for (const target of group.targets) scraped.set(target, group.labels ?? {});
    }
    const problems: string[] = [];
    for (const [name, service] of nixServices) {
      if (npmScripts(commandOf(service)).includes('migrate')) continue;
      const env = environmentOf(name, service);
      const metricsPort = metricsPortOf(env);
      if (metricsPort === undefined) {
        problems.push(`${name}: sets no NIX_METRICS_PORT`);
        continue;
      }
      if (metricsPort === portOf(env)) problems.push(`${name}: NIX_METRICS_PORT is its API PORT`);
      // Loopback (the default) cannot be reached from the Prometheus container.
      if (!env.NIX_METRICS_HOST || /^(127\.|localhost$|::1$)/.test(env.NIX_METRICS_HOST)) problems.push(`${name}: metrics listen on loopback, out of Prometheus's reach`);
      // Metrics name every agency and its volumes: Prometheus reaches them over the compose network only.
      const published = (service.ports ?? []).map((port: Json) => Number(String(port).split(':').pop()));
      if (published.includes(metricsPort)) problems.push(`${name}: publishes its metrics port ${metricsPort}`);
      const target = `${name}:${metricsPort}`;
      const labels = scraped.get(target);
      if (!labels) problems.push(`${target} is not scraped`);
      else if (labels.instance !== env.NIX_INSTANCE_ID) problems.push(`${target}: instance label ${labels.instance}, NIX_INSTANCE_ID ${env.NIX_INSTANCE_ID}`);
      scraped.delete(target);
    }
    for (const target of scraped.keys()) problems.push(`${target} is scraped but is not a NIX service in compose`);
    expect(problems).toEqual([]);
  });

  it('gives every alert rule a name, an expression, a for:, a severity, a summary and a description', () => {
    expect(rules.length).toBeGreaterThan(0);
    const problems: string[] = [];
    const names = new Set<string>();
    for (const rule of rules) {
      const name = rule.alert ?? `(rule without alert: ${rule.record ?? rule.expr})`;
      if (!rule.alert) problems.push(`${name}`);
      if (names.has(name)) problems.push(`${name}: twice`);
      names.add(name);
      if (typeof rule.expr !== 'string' || !rule.expr.trim()) problems.push(`${name}: no expr`);
      if (!/^\d+[smhd]$/.test(String(rule.for ?? ''))) problems.push(`${name}: for: is missing or not a duration`);
      if (!['info', 'warning', 'critical'].includes(rule.labels?.severity)) problems.push(`${name}: labels.severity is not info, warning or critical`);
      if (!rule.annotations?.summary) problems.push(`${name}: no annotations.summary`);
      if (!rule.annotations?.description) problems.push(`${name}: no annotations.description`);
    }
    expect(problems).toEqual([]);
  });

  it('alerts only on metrics NIX exports (or up), with well-formed expressions', () => {
    const problems: string[] = [];
    for (const rule of rules) {
      const expr = String(rule.expr);
      if (!balanced(expr)) problems.push(`${rule.alert}: unbalanced brackets`);
      if (nixMetricNames(expr).length === 0 && !/\bup\b/.test(withoutStrings(expr))) problems.push(`${rule.alert}: queries no NIX metric`);
      for (const name of unknownMetrics(expr, exported)) problems.push(`${rule.alert}: ${name} is not exported by NIX`);
    }
    expect(problems).toEqual([]);
  });

  it('covers error rate, p99 latency, breakers, a registry down, recorder lag, Kafka lag and targets down', () => {
    const used = rules.map((rule) => String(rule.expr));
    const covers = (pattern: RegExp) => used.some((expr) => pattern.test(expr));
    expect(covers(/nix_inquiries_total\{outcome=~"timeout\|provider-error\|unavailable"\}/)).toBe(true);
    expect(covers(/histogram_quantile\(0\.99,[^]*nix_inquiry_duration_seconds_bucket/)).toBe(true);
    expect(covers(/nix_breaker_state\)?\s*==\s*2/)).toBe(true);
    expect(covers(/nix_ledger_recorder_lag_seconds|nix_ledger_buffered_records/)).toBe(true);
    expect(covers(/nix_kafka_consumer_lag/)).toBe(true);
    expect(covers(/\bup\{[^}]*\}\s*==\s*0/)).toBe(true);
    expect(rules.some((rule) => /RegistryDown/.test(rule.alert))).toBe(true);
  });
});

describe('deploy/grafana', () => {
  const dashboardPath = join(DEPLOY, 'grafana', 'dashboards', 'nix.json');
  const dashboard = readJson(dashboardPath);
  const panels: Json[] = (dashboard.panels ?? []).flatMap((panel: Json) => [panel, ...(panel.panels ?? [])]);
  const targets: { panel: string; expr: string }[] = panels.flatMap((panel) => (panel.targets ?? []).map((t: Json) => ({ panel: panel.title, expr: String(t.expr ?? '') })));
  let exported: Set<string>;

  beforeAll(async () => {
    exported = await exportedMetricNames();
  });

  function dashboardValidator() {
    const warnings: string[] = [];
    const ajv = new Ajv({ allErrors: true, strict: true, logger: { log: () => undefined, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) } });
    ajv.addSchema(readJson(join(DEPLOY, 'grafana', 'grafana-dashboard.schema.json')));
    const validate = ajv.compile(readJson(join(DEPLOY, 'grafana', 'dashboard.schema.json')));
    return { validate, warnings };
  }

  it("is valid against Grafana's dashboard schema and NIX's import requirements", () => {
    const { validate, warnings } = dashboardValidator();
    expect(warnings).toEqual([]);
    const valid = validate(dashboard);
    expect(valid ? [] : validate.errors!.map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
  });

  it('would reject a dashboard that Grafana cannot import as intended', () => {
    const { validate } = dashboardValidator();
    const broken = (change: (d: Json) => void) => {
      const copy = structuredClone(dashboard);
      change(copy);
      return validate(copy);
    };
    const firstQueryPanel = (d: Json) => d.panels.find((p: Json) => p.type !== 'row');
    expect(broken(() => undefined)).toBe(true);
    expect(broken((d) => delete d.uid)).toBe(false);
    expect(broken((d) => (d.schemaVersion = '39'))).toBe(false);
    expect(broken((d) => delete firstQueryPanel(d).gridPos)).toBe(false);
    expect(broken((d) => delete firstQueryPanel(d).targets[0].refId)).toBe(false);
    expect(broken((d) => (firstQueryPanel(d).gridPos.w = 25))).toBe(false);
    expect(broken((d) => (firstQueryPanel(d).colour = 'red'))).toBe(false); // not a Grafana panel field
    expect(broken((d) => (d.graphTooltip = 3))).toBe(false);
  });

  it('has unique panel ids, unique refIds per panel, and panels that do not overlap on the 24-column grid', () => {
    const problems: string[] = [];
    const ids = panels.map((p) => p.id);
    for (const id of ids) if (ids.indexOf(id) !== ids.lastIndexOf(id)) problems.push(`panel id ${id} is used twice`);
    for (const panel of panels) {
      const refIds = (panel.targets ?? []).map((t: Json) => t.refId);
      if (new Set(refIds).size !== refIds.length) problems.push(`${panel.title}: refIds repeat`);
      const { x, w } = panel.gridPos;
      if (x + w > 24) problems.push(`${panel.title}: past column 24`);
    }
    const boxes = panels.map((p) => ({ title: p.title, ...p.gridPos }));
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) problems.push(`"${a.title}" overlaps "${b.title}"`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('queries only metrics NIX exports, through its datasource variable, with variables it defines', () => {
    const problems: string[] = [];
    const variables = new Set<string>((dashboard.templating?.list ?? []).map((v: Json) => v.name));
    const builtIn = new Set(['__rate_interval', '__interval', '__range', '__interval_ms', '__range_s']);
    const queries = [
      ...targets,
      ...(dashboard.templating?.list ?? []).filter((v: Json) => v.type === 'query').map((v: Json) => ({ panel: `variable ${v.name}`, expr: String(v.query) })),
    ];
    for (const { panel, expr } of queries) {
      if (!balanced(expr)) problems.push(`${panel}: unbalanced brackets in ${expr}`);
      if (nixMetricNames(expr).length === 0 && !/\bup\{/.test(expr)) problems.push(`${panel}: queries no NIX metric`);
      for (const name of unknownMetrics(expr, exported)) problems.push(`${panel}: ${name} is not exported by NIX`);
      for (const [, name] of expr.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
        if (!variables.has(name) && !builtIn.has(name)) problems.push(`${panel}: $${name} is not a dashboard variable`);
      }
    }
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      for (const ref of [panel.datasource, ...(panel.targets ?? []).map((t: Json) => t.datasource)]) {
        if (ref?.uid !== '${datasource}') problems.push(`${panel.title}: datasource ${JSON.stringify(ref)} is not the \${datasource} variable`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('shows traffic, errors, latency by segment, breakers, Kafka lag, the ledger, late and expired inquiries, and the processes', () => {
    const used = new Set(targets.flatMap(({ expr }) => nixMetricNames(expr)));
    for (const name of [
      'nix_inquiries_total',
      'nix_inquiry_duration_seconds_bucket',
      'nix_inquiry_segment_seconds_bucket',
      'nix_inquiries_in_flight',
      'nix_breaker_state',
      'nix_kafka_consumer_lag',
      'nix_ledger_buffered_records',
      'nix_ledger_recorder_lag_seconds',
      'nix_late_replies_total',
      'nix_adapter_expired_inquiries_total',
      'nix_process_cpu_seconds_total',
      'nix_process_resident_memory_bytes',
      'nix_nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(used.has(name) ? name : `${name} is on no panel`).toBe(name);
    }
    for (const by of ['outcome', 'consumer', 'registry', 'segment']) {
      expect(targets.some(({ expr }) => new RegExp(`by \\([^)]*\\b${by}\\b`).test(expr)) ? by : `no panel by ${by}`).toBe(by);
    }
  });

  it('is provisioned by compose: the Prometheus datasource, and the dashboard folder with nix.json in it', () => {
    const datasources = readYaml(join(DEPLOY, 'grafana', 'provisioning', 'datasources', 'prometheus.yml'));
    const providers = readYaml(join(DEPLOY, 'grafana', 'provisioning', 'dashboards', 'nix.yml'));
    const grafanaMounts = mountsOf(services.grafana ?? {});
    const prometheusSource = (datasources.datasources ?? []).find((d: Json) => d.type === 'prometheus');
    expect(prometheusSource).toBeDefined();
    expect(services[new URL(prometheusSource.url).hostname]).toBeDefined();
    const variable = dashboard.templating.list.find((v: Json) => v.type === 'datasource');
    expect(variable.current?.value).toBe(prometheusSource.uid);
    for (const dir of ['datasources', 'dashboards']) {
      expect(grafanaMounts.some((m) => m.target === `/etc/grafana/provisioning/${dir}` && resolve(DEPLOY, m.source) === join(DEPLOY, 'grafana', 'provisioning', dir))).toBe(true);
    }
    const path = providers.providers?.[0]?.options?.path;
    const mount = grafanaMounts.find((m) => m.target === path);
    expect(mount ? resolve(DEPLOY, mount.source) : `${path} is not mounted`).toBe(join(DEPLOY, 'grafana', 'dashboards'));
    expect(statSync(dashboardPath).isFile()).toBe(true);
  });
});
