import { Inject, Injectable } from '@nestjs/common';
import { ProblemError } from '@nix/domain';
import type { LiveCatalog, ServiceDefinition } from '@nix/catalog';
import { AccessService } from '../access/access.service';
import { SERVICE_CATALOG } from '@nix/platform';

/** The public face of a catalogued service: what an agency needs to call it. */
export interface CatalogEntry {
  registry: string;
  service: string;
  version: string;
  href: string;
  custodian: { id: string; name: { fa: string; en: string } };
  registryTitle: { fa: string; en: string };
  title: { fa: string; en: string };
  description: { fa: string; en: string };
  timeoutMs: number;
  dataItems: string[];
  requestSchema: Record<string, unknown>;
  responseSchema: Record<string, unknown>;
  examples: Record<string, unknown>[];
}

@Injectable()
export class CatalogService {
  /** Built again when the catalogue or the governance state moves (custodians' names come from the latter). */
  private entries: { version: string; list: CatalogEntry[] } | null = null;

  constructor(
    @Inject(SERVICE_CATALOG) private readonly catalog: LiveCatalog,
    private readonly access: AccessService,
  ) {}

  list(): CatalogEntry[] {
    const version = `${this.access.governanceVersion()}/${this.catalog.current?.version}`;
    if (!this.entries || this.entries.version !== version) this.entries = { version, list: this.catalog.services().map((s) => this.entryOf(s, this.access)) };
    return this.entries.list;
  }

  get(registry: string, service: string): CatalogEntry {
    const entry = this.list().find((e) => e.registry === registry && e.service === service);
    if (!entry) throw new ProblemError('unknown-service', 'No such registry service is catalogued; GET /v1/services lists them all.');
    return entry;
  }

  schema(registry: string, file: string): Record<string, unknown> {
    const match = /^([a-z0-9-]+)\.(request|response)\.json$/.exec(file);
    const definition = match ? this.catalog.get(registry, match[1]) : undefined;
    if (!definition || !match) throw new ProblemError('not-found', 'No such schema.');
    return match[2] === 'request' ? definition.requestSchema : definition.responseSchema;
  }

  private entryOf(s: ServiceDefinition, access: AccessService): CatalogEntry {
    const custodian = access.agency(s.custodian);
    return {
      registry: s.registry,
      service: s.service,
      version: s.version,
      href: `/v1/inquiries/${s.registry}/${s.service}`,
      custodian: { id: s.custodian, name: custodian?.name ?? { fa: s.custodian, en: s.custodian } },
      registryTitle: this.catalog.registry(s.registry)!.title,
      title: s.title,
      description: s.description,
      timeoutMs: s.timeoutMs,
      dataItems: s.dataItems,
      requestSchema: s.requestSchema,
      responseSchema: s.responseSchema,
      examples: s.examples,
    };
  }
}
