import { inquiryAddress, type BilingualText } from '@nix/domain';
import { createSchemaCompiler, fieldErrorsOf } from './json-schema';
import type { ServiceCatalog, ServiceDefinition } from './service-catalog';
import { dataItemsOf, parseSemver, versionBodyErrors, type PublishedServiceVersion, type ServiceVersionBody } from './service-version';
import type { MaintenanceWindow } from './version-lifecycle';

/** A registry as the working group registered it. */
export interface CatalogueRegistry {
  registry: string;
  /** The agency that publishes the registry's services. */
  custodian: string;
  title: BilingualText;
  description: BilingualText;
}

/** The catalogue as one consistent read: every registry, every published version, every window not yet ended. */
export interface CatalogueState {
  /** governance_version: moves with every audited change, catalogue or governance (migrations 0004, 0005). */
  version: number;
  registries: CatalogueRegistry[];
  /** Ordered by registry, service and version, oldest first. */
  versions: PublishedServiceVersion[];
  maintenance: MaintenanceWindow[];
}

/** The actor recorded for the bootstrap from schemas/. */
export const SCHEMAS_IMPORT_ACTOR = 'schemas-import';

/**
 * The data-protection statement (R14) the bootstrap gives each registry of schemas/ until its custodian publishes its
 * own: a placeholder under the broker's documentation (`.example` is reserved, RFC 2606, so it never resolves).
 */
export function placeholderDataProtectionStatement(registry: string): string {
  return `https://nix.example/docs/data-protection/${registry}`;
}

/**
 * schemas/ as catalogue content: each registry with its custodian, each service as its one version, bound to the
 * built-in code adapters (`{kind: "code"}`), open 24x7. Identity services state LOA `substantial` (a national ID
 * checked with a birth date against the civil registry: more than a claim, less than a verified credential); the
 * others answer no identity check (null).
 */
export function catalogueFromSchemas(catalog: ServiceCatalog): { registries: CatalogueRegistry[]; versions: Array<{ registry: string; service: string; version: string; body: ServiceVersionBody }> } {
  const registries = catalog.registries.map((r) => ({ registry: r.registry, custodian: r.custodian, title: r.title, description: r.description }));
  const versions = catalog.services().map((s) => {
    const body: ServiceVersionBody = {
      title: s.title,
      description: s.description,
      request: s.requestSchema,
      response: s.responseSchema,
      timeoutMs: s.timeoutMs,
      loa: s.registry === 'identity' ? 'substantial' : null,
      hours: '24x7',
      dataProtectionStatement: placeholderDataProtectionStatement(s.registry),
      binding: { kind: 'code' },
    };
    const errors = versionBodyErrors(body);
    if (errors.length > 0) throw new Error(`schemas/${s.registry}/${s.service} breaks the publishing rules: ${errors.map((e) => `${e.pointer} ${e.detail}`).join('; ')}`);
    return { registry: s.registry, service: s.service, version: s.version, body };
  });
  return { registries, versions };
}

/**
 * A published version as the broker enforces it: its schemas compiled (a compiler per version, since two versions may
 * share an $id), addressed to its registry's topic for its major.
 */
export function serviceDefinitionOf(version: PublishedServiceVersion): ServiceDefinition {
  const ajv = createSchemaCompiler();
  const validateRequest = ajv.compile(version.request);
  const validateAnswer = ajv.compile(version.response);
  return {
    registry: version.registry,
    service: version.service,
    version: version.version,
    custodian: version.custodian,
    address: inquiryAddress(version.registry, parseSemver(version.version)![0]),
    timeoutMs: version.timeoutMs,
    title: version.title,
    description: version.description,
    requestSchema: version.request,
    responseSchema: version.response,
    examples: (version.request.examples ?? []) as Record<string, unknown>[],
    dataItems: dataItemsOf(version),
    validateRequest: (body) => (validateRequest(body) ? [] : fieldErrorsOf(validateRequest.errors, body)),
    validateAnswer: (answer) => (validateAnswer(answer) ? [] : fieldErrorsOf(validateAnswer.errors, answer, 'answer')),
  };
}
