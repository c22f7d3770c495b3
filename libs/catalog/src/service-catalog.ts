import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ConfigurationError } from '@nix/config';
import { inquiryAddress, majorOf, type BilingualText, type FieldError } from '@nix/domain';
import { createSchemaCompiler, fieldErrorsOf, type CompiledSchema } from './json-schema';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; examples?: unknown[] };

export interface RegistryDefinition {
  registry: string;
  version: string;
  address: string;
  custodian: string;
  title: BilingualText;
  description: BilingualText;
  services: ServiceDefinition[];
}

/** One inquiry service as the catalog publishes it and the broker enforces it. */
export interface ServiceDefinition {
  registry: string;
  service: string;
  version: string;
  custodian: string;
  /** Where the broker sends its inquiries: the registry's transport address for its major version. */
  address: string;
  timeoutMs: number;
  title: BilingualText;
  description: BilingualText;
  requestSchema: JsonSchema;
  responseSchema: JsonSchema;
  examples: Record<string, unknown>[];
  /** The answer's top-level properties: what agreements grant item by item. */
  dataItems: string[];
  validateRequest(body: unknown): FieldError[];
  validateAnswer(answer: unknown): FieldError[];
}

const SEMVER = /^\d+\.\d+\.\d+$/;
const SLUG = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * The registry services, read from schemas/ once at start. Every schema is
 * compiled here and every example checked, so a bad file stops the process
 * before it serves anything.
 */
export class ServiceCatalog {
  private readonly byKey = new Map<string, ServiceDefinition>();

  private constructor(readonly registries: readonly RegistryDefinition[]) {
    for (const registry of registries) for (const s of registry.services) this.byKey.set(`${s.registry}/${s.service}`, s);
  }

  static load(schemasDir: string): ServiceCatalog {
    const ajv = createSchemaCompiler();
    const registries: RegistryDefinition[] = [];
    let entries: string[];
    try {
      entries = readdirSync(schemasDir).sort();
    } catch (error) {
      throw new ConfigurationError(schemasDir, '', `cannot read the schemas directory (${(error as Error).message})`);
    }
    for (const name of entries) {
      const dir = join(schemasDir, name);
      if (!statSync(dir).isDirectory()) continue;
      registries.push(loadRegistry(ajv, schemasDir, dir, name));
    }
    if (registries.length === 0) throw new ConfigurationError(schemasDir, '', 'holds no registry');
    return new ServiceCatalog(registries);
  }

  get(registry: string, service: string): ServiceDefinition | undefined {
    return this.byKey.get(`${registry}/${service}`);
  }

  services(): ServiceDefinition[] {
    return [...this.byKey.values()];
  }

  registry(name: string): RegistryDefinition | undefined {
    return this.registries.find((r) => r.registry === name);
  }
}

function loadRegistry(ajv: ReturnType<typeof createSchemaCompiler>, root: string, dir: string, name: string): RegistryDefinition {
  const file = join(dir, 'registry.json');
  const shown = relative(process.cwd(), file);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- registry.json, checked field by field below
  const meta = readJson(file) as Record<string, any>;
  const need = (ok: boolean, location: string, reason: string) => {
    if (!ok) throw new ConfigurationError(shown, location, reason);
  };
  need(meta.registry === name, '/registry', `must equal the directory name "${name}"`);
  need(SLUG.test(name), '/registry', 'must be a lower-case slug');
  need(typeof meta.version === 'string' && SEMVER.test(meta.version), '/version', 'must be a semantic version such as 1.0.0');
  need(typeof meta.custodian === 'string' && meta.custodian.length > 0, '/custodian', 'must name the custodian agency');
  need(isBilingual(meta.title), '/title', 'must have fa and en');
  need(isBilingual(meta.description), '/description', 'must have fa and en');
  need(meta.services && typeof meta.services === 'object' && Object.keys(meta.services).length > 0, '/services', 'must list at least one service');
  const address = inquiryAddress(name, majorOf(meta.version));
  const services: ServiceDefinition[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- registry.json, checked field by field below
  for (const [service, spec] of Object.entries<any>(meta.services)) {
    const at = `/services/${service}`;
    need(SLUG.test(service), at, 'must be a lower-case slug');
    need(typeof spec.version === 'string' && SEMVER.test(spec.version), `${at}/version`, 'must be a semantic version');
    need(Number.isInteger(spec.timeoutMs) && spec.timeoutMs >= 100 && spec.timeoutMs <= 60000, `${at}/timeoutMs`, 'must be an integer from 100 to 60000');
    need(isBilingual(spec.title), `${at}/title`, 'must have fa and en');
    need(isBilingual(spec.description), `${at}/description`, 'must have fa and en');
    const requestFile = join(dir, `${service}.request.json`);
    const responseFile = join(dir, `${service}.response.json`);
    const requestSchema = readJson(requestFile) as JsonSchema;
    const responseSchema = readJson(responseFile) as JsonSchema;
    const validateRequest = compile(ajv, requestFile, requestSchema);
    const validateAnswer = compile(ajv, responseFile, responseSchema);
    checkExamples(requestFile, requestSchema, validateRequest, true);
    checkExamples(responseFile, responseSchema, validateAnswer, false);
    const dataItems = Object.keys(responseSchema.properties ?? {});
    need(dataItems.length > 0, '', `${relative(root, responseFile)} must declare its data items as properties`);
    services.push({
      registry: name,
      service,
      version: spec.version,
      custodian: meta.custodian,
      address,
      timeoutMs: spec.timeoutMs,
      title: spec.title,
      description: spec.description,
      requestSchema,
      responseSchema,
      examples: (requestSchema.examples ?? []) as Record<string, unknown>[],
      dataItems,
      validateRequest: (body) => (validateRequest(body) ? [] : fieldErrorsOf(validateRequest.errors, body)),
      validateAnswer: (answer) => (validateAnswer(answer) ? [] : fieldErrorsOf(validateAnswer.errors, answer, 'answer')),
    });
  }
  return { registry: name, version: meta.version, address, custodian: meta.custodian, title: meta.title, description: meta.description, services };
}

function compile(ajv: ReturnType<typeof createSchemaCompiler>, file: string, schema: JsonSchema): CompiledSchema {
  try {
    return ajv.compile(schema);
  } catch (error) {
    throw new ConfigurationError(relative(process.cwd(), file), '', `is not a valid JSON Schema: ${(error as Error).message}`);
  }
}

function checkExamples(file: string, schema: JsonSchema, validate: CompiledSchema, required: boolean): void {
  const shown = relative(process.cwd(), file);
  if (!Array.isArray(schema.examples) || schema.examples.length === 0) {
    if (required) throw new ConfigurationError(shown, '/examples', 'must hold at least one working example');
    return;
  }
  schema.examples.forEach((example, i) => {
    if (!validate(example)) {
      const errors = fieldErrorsOf(validate.errors, example).map((e) => `${e.pointer || '/'} ${e.detail}`).join('; ');
      throw new ConfigurationError(shown, `/examples/${i}`, `does not match its own schema: ${errors}`);
    }
  });
}

function readJson(file: string): unknown {
  const shown = relative(process.cwd(), file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigurationError(shown, '', 'is missing');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message);
    const line = position ? `line ${text.slice(0, Number(position[1])).split('\n').length}` : '';
    throw new ConfigurationError(shown, line, `is not valid JSON: ${(error as Error).message}`);
  }
}

function isBilingual(value: unknown): value is BilingualText {
  const v = value as BilingualText;
  return !!v && typeof v.fa === 'string' && v.fa.length > 0 && typeof v.en === 'string' && v.en.length > 0;
}
