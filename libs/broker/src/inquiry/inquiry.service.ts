import { Inject, Injectable } from '@nestjs/common';
import {
  DayTracker,
  majorOf,
  ProblemError,
  projectAnswer,
  type Agreement,
  type Clock,
  type ExchangeFacts,
  type InquiryMessage,
  type InquiryReply,
  type PresentedCertificate,
} from '@nix/domain';
import { checkNotInMaintenance, checkNotRetired, deprecationHeaders, selectVersion, type LiveCatalog, type ServiceDefinition } from '@nix/catalog';
import { DeadlineExceededError, INQUIRY_DISPATCHER, NoAdapterError, TransportUnavailableError, type InquiryDispatcher } from '@nix/messaging';
import { BreakerOpenError } from '@nix/resilience';
import { AccessService } from '../access/access.service';
import { CLOCK, LOGGER, SERVICE_CATALOG } from '@nix/platform';
import { TRACKING_CODE } from './exchange-requests';
import { RegistryBreakers } from './registry-breakers';

export interface InquiryCall {
  exchangeId: string;
  registry: string;
  service: string;
  authorization: string | undefined;
  purpose: string | undefined;
  trackingCode: string | undefined;
  clientIp: string;
  /** The client certificate (mTLS or a trusted proxy's header), if any. */
  clientCertificate?: PresentedCertificate;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** An answered inquiry: the answer cut down to the agreed data items, the quota left, and what the record needs. */
export interface InquiryResult {
  answer: Record<string, unknown>;
  quotaRemaining: number;
  quotaLimit: number;
  /** Headers the answer carries: the version that served it, its deprecation and sunset, its level of assurance. */
  headers: Record<string, string>;
  facts: ExchangeFacts;
}

/** A refused inquiry: the problem it is answered with, and what the broker had learned of it by then. */
export class InquiryRefusal extends ProblemError {
  constructor(
    problem: ProblemError,
    readonly facts: ExchangeFacts,
  ) {
    super(problem.problemType, problem.detail, problem.extras);
    this.name = 'InquiryRefusal';
  }
}

/** An adapter that is starting joins within seconds. */
const NO_ADAPTER_RETRY_AFTER_S = 5;

/**
 * The inquiry path: catalogue, authenticate, authorize under an agreement,
 * validate, count against the quota, relay to the provider adapter, and cut
 * the answer down to the agreed data items. Everything it learns that may be
 * recorded goes into the facts it returns, or those of the refusal it throws;
 * nothing else does.
 */
@Injectable()
export class InquiryService {
  private readonly days = new DayTracker();
  /** By agreement object: a reloaded or amended agreement is a new object, so its items are never stale. */
  private readonly dataItemSets = new WeakMap<Agreement, ReadonlySet<string>>();

  constructor(
    @Inject(SERVICE_CATALOG) private readonly catalog: LiveCatalog,
    @Inject(INQUIRY_DISPATCHER) private readonly dispatcher: InquiryDispatcher,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: { error(fields: object, message: string): void },
    private readonly access: AccessService,
    @Inject(RegistryBreakers) private readonly breakers: Pick<RegistryBreakers, 'guard'>,
  ) {}

  /** Answers an inquiry, or throws an InquiryRefusal (unexpected failures are thrown as they are). */
  async inquire(call: InquiryCall): Promise<InquiryResult> {
    const facts: ExchangeFacts = {};
    try {
      return { ...(await this.answer(call, facts)), facts };
    } catch (error) {
      throw error instanceof ProblemError ? new InquiryRefusal(error, facts) : error;
    }
  }

  /** The inquiry path; what may be recorded is added to facts as it is learned. */
  private async answer(call: InquiryCall, facts: ExchangeFacts): Promise<Omit<InquiryResult, 'facts'>> {
    let definition = this.catalog.get(call.registry, call.service);
    if (!definition) {
      throw new ProblemError('unknown-service', 'No such registry service is catalogued; GET /v1/services lists them all.');
    }
    facts.registry = definition.registry;
    facts.service = definition.service;
    facts.serviceVersion = definition.version;
    facts.custodian = definition.custodian;

    const now = this.clock.now();
    const day = this.days.at(now);
    // One state for the whole inquiry, whatever changes while it runs.
    const governance = this.access.snapshot();
    const agency = this.access.authenticate(call.authorization, call.clientIp, day.date, governance, call.clientCertificate);
    facts.consumer = agency.id;
    this.access.refuseRelay(call.headers);
    if (call.trackingCode !== undefined) {
      if (!TRACKING_CODE.test(call.trackingCode)) {
        throw new ProblemError('invalid-request', 'X-Tracking-Code must be 1 to 64 visible ASCII characters.', {
          errors: [{ pointer: 'header:X-Tracking-Code', detail: 'must be 1 to 64 visible ASCII characters' }],
        });
      }
      facts.trackingCode = call.trackingCode;
    }
    const newest = definition;
    const authorization = this.access.authorize(agency, newest.registry, newest.service, call.purpose, day, governance, () => this.publishedMajors(newest));
    // Accepted by the agreements, so one of the purposes they name.
    const purpose = call.purpose!;
    facts.purpose = purpose;
    const served = this.versionServing(call, definition, now, authorization.majors);
    definition = served.definition;
    facts.serviceVersion = definition.version;
    // The agreement for the served version's major decides the quota, the data items and the record.
    const agreement = authorization.agreementFor(majorOf(definition.version));

    if (call.body === undefined || call.body === null) {
      throw new ProblemError('invalid-request', 'The inquiry needs a JSON object body.', { errors: [{ pointer: '', detail: 'a JSON object is required' }] });
    }
    const errors = definition.validateRequest(call.body);
    if (errors.length > 0) {
      throw new ProblemError('invalid-request', `The inquiry does not match ${definition.registry}/${definition.service}'s request schema.`, { errors });
    }
    const quotaRemaining = await this.access.consumeQuota(agreement, day, now);
    facts.agreement = agreement.id;

    const reply = await this.relay(facts, definition, {
      exchangeId: call.exchangeId,
      registry: definition.registry,
      service: definition.service,
      version: definition.version,
      consumer: agency.id,
      purpose,
      ...(facts.trackingCode ? { trackingCode: facts.trackingCode } : {}),
      deadline: now + definition.timeoutMs,
      body: call.body as Record<string, unknown>,
    });
    return { answer: this.answerOf(definition, reply, agreement), quotaRemaining, quotaLimit: agreement.dailyQuota, headers: served.headers };
  }

  /**
   * The data items of the newest version of each published major (versions run oldest first), for the demo coverage;
   * the catalogue's one definition before the store's catalogue is read.
   */
  private publishedMajors(newest: ServiceDefinition): Map<number, readonly string[]> {
    const versions = this.catalog.versions(newest.registry, newest.service).map((v) => v.definition);
    return new Map((versions.length ? versions : [newest]).map((d) => [majorOf(d.version), d.dataItems]));
  }

  /**
   * The published version that serves the inquiry: the one X-Service-Version names (a major or an exact version), else
   * the newest of the majors the caller's agreements cover (an agreement covers major 1 unless it names another);
   * refused when retired (410) or in a maintenance window (503), before any quota is used or anything is sent.
   */
  private versionServing(
    call: InquiryCall,
    newest: ServiceDefinition,
    now: number,
    coveredMajors: ReadonlySet<number>,
  ): { definition: ServiceDefinition; headers: Record<string, string> } {
    const versions = this.catalog.versions(newest.registry, newest.service);
    if (versions.length === 0) return { definition: newest, headers: { 'x-service-version': newest.version } };
    const requested = call.headers['x-service-version'];
    const chosen = selectVersion(
      { registry: newest.registry, service: newest.service, versions: versions.map((v) => v.published.version) },
      typeof requested === 'string' ? requested : undefined,
      coveredMajors,
    );
    const running = versions.find((v) => v.published.version === chosen)!;
    const at = new Date(now);
    checkNotRetired(running.published, at);
    checkNotInMaintenance(this.catalog.maintenance(), newest.registry, newest.service, at);
    const headers: Record<string, string> = { 'x-service-version': chosen, ...deprecationHeaders(running.published) };
    if (running.published.loa) headers['x-level-of-assurance'] = running.published.loa;
    return { definition: running.definition, headers };
  }

  private async relay(facts: ExchangeFacts, definition: ServiceDefinition, message: InquiryMessage): Promise<InquiryReply> {
    // Outside the breaker: no adapter is not a failure of the registry, and nothing is dispatched.
    await this.dispatcher.ensureServed?.(definition.address).catch((error: unknown) => {
      throw this.problemOfTransport(definition, error);
    });
    const dispatchedAt = this.clock.now();
    let reply: InquiryReply;
    try {
      reply = await this.breakers.guard(definition.registry, () => this.dispatcher.dispatch(definition.address, message));
    } catch (error) {
      facts.relay = { dispatchedAt, repliedAt: this.clock.now(), adapterReceivedAt: null, adapterRepliedAt: null, registryMs: null, adapterInstance: null };
      throw this.problemOfTransport(definition, error);
    }
    facts.relay = {
      dispatchedAt,
      repliedAt: this.clock.now(),
      adapterReceivedAt: reply.adapterReceivedAt,
      adapterRepliedAt: reply.adapterRepliedAt,
      registryMs: reply.registryMs,
      adapterInstance: reply.adapterInstance,
    };
    return reply;
  }

  private answerOf(definition: ServiceDefinition, reply: InquiryReply, agreement: Agreement): Record<string, unknown> {
    switch (reply.status) {
      case 'ok': {
        const errors = definition.validateAnswer(reply.answer);
        if (errors.length > 0) {
          this.logger.error({ registry: definition.registry, service: definition.service, errors }, 'adapter answer does not match the response schema');
          throw new ProblemError('provider-error', `The ${definition.registry} registry answered in a shape its schema does not allow.`);
        }
        return projectAnswer(reply.answer!, this.dataItemSet(agreement));
      }
      case 'not-found':
        throw new ProblemError('record-not-found', `The ${definition.registry} registry holds no record that matches this inquiry.`);
      case 'rejected':
        throw new ProblemError('invalid-request', reply.detail ?? 'The registry rejected the inquiry.');
      default:
        throw new ProblemError('provider-error', `The ${definition.registry} registry failed to answer: ${reply.detail ?? 'no reason given'}.`);
    }
  }

  private problemOfTransport(definition: ServiceDefinition, error: unknown): ProblemError {
    if (error instanceof ProblemError) return error;
    if (error instanceof BreakerOpenError) {
      return new ProblemError('registry-unavailable', `The ${definition.registry} registry is failing; inquiries to it are refused for now.`, {
        retryAfterSeconds: error.retryAfterSeconds,
      });
    }
    if (error instanceof NoAdapterError) {
      return new ProblemError('no-adapter', `No ${definition.registry} adapter is running now; the inquiry was not sent.`, { retryAfterSeconds: NO_ADAPTER_RETRY_AFTER_S });
    }
    if (error instanceof DeadlineExceededError) {
      return new ProblemError('deadline-exceeded', `The ${definition.registry} registry did not answer within ${definition.timeoutMs} ms.`);
    }
    const reason = error instanceof TransportUnavailableError ? error.message : 'the transport failed';
    return new ProblemError('registry-unavailable', `The ${definition.registry} registry cannot be reached now (${reason}).`, { retryAfterSeconds: 5 });
  }

  private dataItemSet(agreement: Agreement): ReadonlySet<string> {
    let set = this.dataItemSets.get(agreement);
    if (!set) this.dataItemSets.set(agreement, (set = new Set(agreement.dataItems)));
    return set;
  }

}
