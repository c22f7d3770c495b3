import { Inject, Injectable, Optional } from '@nestjs/common';
import { compareSemver, type EventTypeCatalog, type LiveCatalog, type ServiceDefinition } from '@nix/catalog';
import { majorOf } from '@nix/domain';
import {
  checkDataItems,
  checkPurposes,
  checkQuota,
  checkValidity,
  GovernanceInputError,
  GovernanceNotFoundError,
  GovernanceRepository,
  isWorkingGroup,
  NotPermittedError,
  type AccessRequest,
  type Dispute,
  type GovernanceActor,
  type GovernedAgreement,
} from '@nix/governance';
import { SERVICE_CATALOG } from '@nix/platform';
import type { AccessRequestBody, AgreementBody, AmendmentBody } from './governance-bodies';
import { EVENT_TYPES } from '../notifications/event-types.token';

/** What GovernanceService uses of the store. */
export type GovernanceStore = Pick<
  GovernanceRepository,
  'agreements' | 'agreement' | 'accessRequest' | 'requireAgency' | 'fileAccessRequest' | 'createAgreement' | 'amendAgreement' | 'openDispute'
>;

/** What the governance API checks against the catalogue before the repository applies a change. */
@Injectable()
export class GovernanceService {
  constructor(
    @Inject(GovernanceRepository) private readonly repository: GovernanceStore,
    @Inject(SERVICE_CATALOG) private readonly catalog: Pick<LiveCatalog, 'get' | 'registry' | 'versions'>,
    @Optional() @Inject(EVENT_TYPES) private readonly eventTypes?: Pick<EventTypeCatalog, 'get'>,
  ) {}

  /** The caller's own agreements (as consumer); the working group sees all. */
  async agreements(actor: GovernanceActor): Promise<GovernedAgreement[]> {
    const all = await this.repository.agreements();
    return isWorkingGroup(actor) ? all : all.filter((a) => a.consumer === actor.agencyId);
  }

  async fileAccessRequest(actor: GovernanceActor, body: AccessRequestBody): Promise<AccessRequest> {
    const major = body.major ?? 1;
    const service = this.service(body.registry, body.service, major);
    checkTerms(service, body);
    const justification = body.justification.trim();
    if (justification.length === 0) throw new GovernanceInputError('justification', 'must say why the access is needed');
    if (body.validFrom !== undefined && body.validUntil !== undefined) checkValidity(body.validFrom, body.validUntil);
    // The custodian must be a registered agency, for it to consent.
    await this.repository.requireAgency(service.custodian).catch((error: unknown) => {
      if (!(error instanceof GovernanceNotFoundError)) throw error;
      throw new GovernanceInputError('registry', `the custodian of "${body.registry}" (${service.custodian}) is not a registered agency yet`);
    });
    return this.repository.fileAccessRequest(actor, {
      consumer: actor.agencyId,
      registry: service.registry,
      custodian: service.custodian,
      service: service.service,
      major,
      dataItems: body.dataItems,
      purposes: body.purposes,
      dailyQuota: body.dailyQuota,
      validFrom: body.validFrom ?? null,
      validUntil: body.validUntil ?? null,
      justification,
    });
  }

  async createAgreement(actor: GovernanceActor, body: AgreementBody): Promise<GovernedAgreement> {
    const major = body.major ?? 1;
    const service = this.service(body.registry, body.service, major);
    checkTerms(service, body);
    checkValidity(body.validFrom, body.validUntil);
    return this.repository.createAgreement(actor, { ...body, major });
  }

  async amendAgreement(actor: GovernanceActor, id: string, body: AmendmentBody): Promise<GovernedAgreement> {
    const current = await this.repository.agreement(id);
    // The major stays: a new major is a new agreement.
    const service = this.service(current.registry, current.service, current.major ?? 1);
    if (body.dataItems) checkDataItems(body.dataItems, service.dataItems);
    if (body.purposes) checkPurposes(body.purposes);
    if (body.dailyQuota !== undefined) checkQuota(body.dailyQuota);
    checkValidity(body.validFrom ?? current.validFrom, body.validUntil ?? current.validUntil);
    return this.repository.amendAgreement(actor, id, body);
  }

  /**
   * A dispute is raised by a party: about an agreement, its consumer or the custodian of its registry; about a
   * request, whoever may see it (its consumer, its custodian). The working group may raise either.
   */
  async openDispute(actor: GovernanceActor, subject: Dispute['subject'], statement: string): Promise<Dispute> {
    if (subject.kind === 'access-request') await this.repository.accessRequest(actor, subject.id);
    else {
      const agreement = await this.repository.agreement(subject.id);
      const custodian = this.catalog.registry(agreement.registry)?.custodian;
      if (!isWorkingGroup(actor) && actor.agencyId !== agreement.consumer && actor.agencyId !== custodian) {
        throw new NotPermittedError(actor.agencyId, `dispute agreement ${agreement.id}, to which it is not a party`);
      }
    }
    return this.repository.openDispute(actor, subject, statement);
  }

  /**
   * The newest published version of a major of a service, which an agreement's terms are checked against. Before the
   * store's catalogue is read (or when it holds no versions) the catalogue's one definition stands for its own major.
   */
  private service(registry: string, service: string, major: number): ServiceDefinition {
    if (!this.catalog.registry(registry)) throw new GovernanceInputError('registry', `"${registry}" is not a registry of the catalogue`);
    const newest = this.catalog.get(registry, service) ?? this.eventTypeAsService(registry, service, major);
    if (!newest) throw new GovernanceInputError('service', `"${service}" is not a service or event type of registry ${registry}`);
    const versions = this.catalog.versions(registry, service).map((v) => ({ version: v.published.version, definition: v.definition }));
    if (versions.length === 0) versions.push({ version: newest.version, definition: newest });
    const ofMajor = versions.filter((v) => majorOf(v.version) === major).sort((a, b) => compareSemver(a.version, b.version));
    if (ofMajor.length === 0) {
      const majors = [...new Set(versions.map((v) => majorOf(v.version)))].sort((a, b) => a - b);
      throw new GovernanceInputError('major', `${registry}/${service} has no published version in major ${major} (published majors: ${majors.join(', ')})`);
    }
    return ofMajor.at(-1)!.definition;
  }

  /**
   * An event type (issue 14) as agreements see it: an agreement whose `service` names it lets its consumer subscribe,
   * and its data items are the event's fields. Event types have one major, 1.
   */
  private eventTypeAsService(registry: string, eventType: string, major: number): ServiceDefinition | undefined {
    const type = this.eventTypes?.get(registry, eventType);
    if (!type) return undefined;
    if (major !== 1) throw new GovernanceInputError('major', `${registry}/${eventType} is an event type, which has major 1 only`);
    const fields = Object.keys((type.schema.properties ?? {}));
    return { registry, service: eventType, version: '1.0.0', custodian: type.custodian, dataItems: fields } as unknown as ServiceDefinition;
  }
}


function checkTerms(service: ServiceDefinition, terms: { dataItems: string[]; purposes: string[]; dailyQuota: number }): void {
  checkDataItems(terms.dataItems, service.dataItems);
  checkPurposes(terms.purposes);
  checkQuota(terms.dailyQuota);
}
