import { BlockList, isIP } from 'node:net';
import { join } from 'node:path';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ConfigurationError } from '@nix/config';
import { parseIssuer, type Agency, type AgencyCertificates, type Agreement } from '@nix/domain';
import type { EventTypeCatalog, ServiceCatalog } from '@nix/catalog';
import { AGENCY_FILE_SCHEMA, AGREEMENT_FILE_SCHEMA } from './contract-schemas';
import { readContractDir, type ContractFile } from './contract-files';

export interface ApiKeyEntry {
  agencyId: string;
  keyId: string;
  sha256: string;
  /** When set, the key is accepted only from these networks. */
  networks: BlockList | null;
  /** Last day the key is valid, YYYY-MM-DD, or null. */
  expires: string | null;
  /** SHA-256 fingerprint (lowercase hex) of the client certificate the key is bound to, or "agency" for any of the agency's; absent or null: a bearer key. */
  certificate?: string | null;
}

/** An agreement as one entry of contracts/agreements/<consumer>.yaml holds it: everything but the consumer, which the file names. */
export type AgreementFileEntry = Omit<Agreement, 'consumer'>;

/**
 * The terms an agreements file holds, in its order; read and written alike, so nothing is lost on a round trip. The
 * major is written only when it is not 1, so files written before versions existed read and write unchanged.
 */
export function agreementFileEntry(a: Omit<AgreementFileEntry, 'resolution'> & { resolution?: string | null }): AgreementFileEntry {
  return {
    id: a.id,
    registry: a.registry,
    service: a.service,
    ...(a.major !== undefined && a.major !== 1 ? { major: a.major } : {}),
    dataItems: a.dataItems,
    purposes: a.purposes,
    validFrom: a.validFrom,
    validUntil: a.validUntil,
    dailyQuota: a.dailyQuota,
    ...(a.resolution ? { resolution: a.resolution } : {}),
  };
}

export interface ContractSet {
  agencies: Agency[];
  agreements: Agreement[];
  apiKeys: ApiKeyEntry[];
  /** The client certificates of the agencies whose files list any (`certificates:`); absent from a set built in code. */
  agencyCertificates?: Record<string, AgencyCertificates>;
  /** Demo agencies that were in the files but are refused in production. */
  refusedDemoAgencies: string[];
}

export interface ContractOptions {
  /** In production, demo agencies, their keys and their agreements are refused. */
  production: boolean;
  /** The catalogue's event types (issue 14): an agreement may name one as its service; its data items are the event's fields. */
  eventTypes?: Pick<EventTypeCatalog, 'get'>;
}

/**
 * Reads contracts/agencies/*.yaml and contracts/agreements/*.yaml (and
 * contracts/demo/ for the embedded default), checks each file against its
 * schema and every reference against the agencies and the service catalog.
 */
export function loadContracts(dir: string, catalog: ServiceCatalog, options: ContractOptions): ContractSet {
  const ajv = new Ajv2020({ allErrors: false, strict: false });
  addFormats(ajv, ['date']);
  const validateAgency = ajv.compile(AGENCY_FILE_SCHEMA);
  const validateAgreements = ajv.compile(AGREEMENT_FILE_SCHEMA);
  const check = (file: ContractFile, validate: ValidateFunction) => {
    if (!validate(file.data)) {
      const error = validate.errors![0];
      const where = error.keyword === 'required' ? `${error.instancePath}/${error.params.missingProperty}` : error.instancePath;
      const why = error.keyword === 'additionalProperties' ? `has an unknown field "${error.params.additionalProperty}"` : error.message;
      throw file.error(where, why ?? 'is not valid');
    }
  };

  const agencyFiles = [...readContractDir(join(dir, 'agencies')), ...readContractDir(join(dir, 'demo', 'agencies'))];
  const agreementFiles = [...readContractDir(join(dir, 'agreements')), ...readContractDir(join(dir, 'demo', 'agreements'))];

  const agencies = new Map<string, Agency>();
  const apiKeys: ApiKeyEntry[] = [];
  const agencyCertificates: Record<string, AgencyCertificates> = {};
  const keyHashes = new Set<string>();
  const refusedDemoAgencies: string[] = [];
  for (const file of agencyFiles) {
    check(file, validateAgency);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- YAML checked by its JSON Schema (check above)
    const raw = file.data as any;
    if (agencies.has(raw.id) || refusedDemoAgencies.includes(raw.id)) throw file.error('/id', `agency "${raw.id}" is defined twice`);
    const agency: Agency = { id: raw.id, name: raw.name, roles: raw.roles, demo: raw.demo === true };
    if (agency.demo && options.production) {
      refusedDemoAgencies.push(agency.id);
      continue;
    }
    agencies.set(agency.id, agency);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- YAML checked by its JSON Schema (check above)
    (raw.apiKeys ?? []).forEach((key: any, i: number) => {
      if (keyHashes.has(key.sha256)) throw file.error(`/apiKeys/${i}/sha256`, 'is the hash of a key another entry already holds');
      keyHashes.add(key.sha256);
      apiKeys.push({
        agencyId: agency.id,
        keyId: key.id,
        sha256: key.sha256,
        networks: key.networks ? blockListOf(file, `/apiKeys/${i}/networks`, key.networks) : null,
        expires: key.expires ?? null,
        ...(key.certificate ? { certificate: key.certificate } : {}),
      });
    });
    if (raw.certificates) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- YAML checked by its JSON Schema (check above)
      const issuers = (raw.certificates.issuers ?? []).map((issuer: any, i: number) => {
        // A CA that has expired is not refused here, so that a file stays loadable: its certificates just stop matching.
        const parsed = parseIssuer(issuer.ca, issuer.subject, Number.NEGATIVE_INFINITY);
        if ('field' in parsed) throw file.error(`/certificates/issuers/${i}/${parsed.field}`, parsed.detail);
        return parsed.issuer;
      });
      agencyCertificates[agency.id] = { fingerprints: raw.certificates.fingerprints ?? [], issuers };
    }
  }

  for (const service of catalog.services()) {
    const custodian = agencies.get(service.custodian);
    if (!custodian || !custodian.roles.includes('provider')) {
      throw new ConfigurationError(
        `schemas/${service.registry}/registry.json`,
        '/custodian',
        `agency "${service.custodian}" must be defined in ${join(dir, 'agencies')} with the provider role`,
      );
    }
  }

  const agreements: Agreement[] = [];
  const agreementIds = new Set<string>();
  for (const file of agreementFiles) {
    check(file, validateAgreements);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- YAML checked by its JSON Schema (check above)
    const raw = file.data as any;
    if (refusedDemoAgencies.includes(raw.consumer)) continue;
    const consumer = agencies.get(raw.consumer);
    if (!consumer) throw file.error('/consumer', `names agency "${raw.consumer}", which no file in ${join(dir, 'agencies')} defines`);
    if (!consumer.roles.includes('consumer')) throw file.error('/consumer', `agency "${raw.consumer}" does not hold the consumer role`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- YAML checked by its JSON Schema (check above)
    raw.agreements.forEach((a: any, i: number) => {
      const at = `/agreements/${i}`;
      if (agreementIds.has(a.id)) throw file.error(`${at}/id`, `agreement "${a.id}" is defined twice`);
      agreementIds.add(a.id);
      const eventType = options.eventTypes?.get(a.registry, a.service);
      const service = catalog.get(a.registry, a.service) ?? (eventType && { dataItems: Object.keys((eventType.schema.properties ?? {})) });
      if (!catalog.registry(a.registry)) throw file.error(`${at}/registry`, `no registry "${a.registry}" is catalogued`);
      if (!service) throw file.error(`${at}/service`, `registry "${a.registry}" has no service "${a.service}"`);
      a.dataItems.forEach((item: string, j: number) => {
        if (!service.dataItems.includes(item)) {
          throw file.error(`${at}/dataItems/${j}`, `"${item}" is not a data item of ${a.registry}/${a.service} (it has: ${service.dataItems.join(', ')})`);
        }
      });
      if (a.validUntil < a.validFrom) throw file.error(`${at}/validUntil`, 'is before validFrom');
      const agreement: Agreement = { consumer: raw.consumer, ...agreementFileEntry(a) };
      const clash = agreements.find(
        (b) =>
          b.consumer === agreement.consumer &&
          b.registry === agreement.registry &&
          b.service === agreement.service &&
          (b.major ?? 1) === (agreement.major ?? 1) &&
          b.validFrom <= agreement.validUntil &&
          agreement.validFrom <= b.validUntil &&
          b.purposes.some((p) => agreement.purposes.includes(p)),
      );
      if (clash) throw file.error(`${at}/purposes`, `overlaps agreement "${clash.id}" for the same service, major, purpose and days; one agreement must decide`);
      agreements.push(agreement);
    });
  }
  return { agencies: [...agencies.values()], agreements, apiKeys, agencyCertificates, refusedDemoAgencies };
}

function blockListOf(file: ContractFile, at: string, networks: string[]): BlockList {
  const list = new BlockList();
  networks.forEach((cidr, i) => {
    const match = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(cidr);
    const family = match ? isIP(match[1]) : 0;
    const bits = match?.[2] === undefined ? (family === 6 ? 128 : 32) : Number(match[2]);
    if (!match || !family || bits > (family === 6 ? 128 : 32)) {
      throw file.error(`${at}/${i}`, `"${cidr}" is not an IP network in CIDR form`);
    }
    list.addSubnet(match[1], bits, family === 6 ? 'ipv6' : 'ipv4');
  });
  return list;
}
