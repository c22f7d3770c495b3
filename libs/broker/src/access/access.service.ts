import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  AccessPolicy,
  ANY_AGENCY_CERTIFICATE,
  isAgencyCertificate,
  ProblemError,
  type Agency,
  type Agreement,
  type Authorization,
  type CalendarDay,
  type Clock,
  type PresentedCertificate,
} from '@nix/domain';
import { LiveGovernance, QuotaLeases, type GovernanceSnapshot } from '@nix/governance';
import { CLOCK } from '@nix/platform';
import { KEY_HASHER, type KeyHasher } from './key-hasher';

/** Headers by which one agency would pass another's inquiry through its own key (R8). */
const RELAY_HEADERS = ['x-on-behalf-of', 'x-forwarded-agency', 'x-original-consumer'];

/** Notes the day each key was last used (GET /v1/agencies/{id}/keys shows it). */
export interface KeyUseLog {
  recordKeyUse(agencyId: string, keyId: string, day: string): Promise<void>;
}

export const KEY_USE_LOG = Symbol('KEY_USE_LOG');

/** Whether a key not bound to a client certificate is accepted (development, or NIX_ALLOW_BEARER_ONLY=true). */
export const BEARER_ONLY_ALLOWED = Symbol('BEARER_ONLY_ALLOWED');

/** Whether demo agencies may ask every published service, as their contracts/demo agreements do for schemas/. */
export const DEMO_COVERAGE = Symbol('DEMO_COVERAGE');

/**
 * In development, what a demo agency's agreement gives on a service published after contracts/demo was written: one
 * per major, for the data items of that major's newest version.
 */
export function demoAgreement(agency: Agency, registry: string, service: string, dataItems: readonly string[], major = 1): Agreement {
  return {
    id: major === 1 ? `demo-${registry}-${service}` : `demo-${registry}-${service}-v${major}`,
    consumer: agency.id,
    registry,
    service,
    major,
    dataItems: [...dataItems],
    purposes: ['demo'],
    validFrom: '2024-01-01',
    validUntil: '2099-12-31',
    dailyQuota: 100_000_000,
    status: 'active',
  };
}

/**
 * Who is calling and what they may do, against the live governance state: API keys identify the agency,
 * agreements decide the inquiry (R6), quotas bound it across brokers, and an agency may not relay inquiries for a
 * third party (R8). A caller takes one snapshot and passes it to each step, so that one inquiry is judged against
 * one consistent state.
 */
@Injectable()
export class AccessService {
  /** Keys whose use today is already noted (by this process), so that the store hears of each once a day. */
  private readonly usedToday = new Set<string>();
  private usedOn = '';

  constructor(
    private readonly governance: LiveGovernance,
    @Inject(KEY_HASHER) private readonly hasher: KeyHasher,
    private readonly quota: QuotaLeases,
    @Inject(KEY_USE_LOG) private readonly keyUse: KeyUseLog,
    @Inject(DEMO_COVERAGE) private readonly demoCoverage: boolean,
    @Inject(BEARER_ONLY_ALLOWED) private readonly bearerOnlyAllowed: boolean = true,
    /** Certificates are checked for validity at this clock's time. */
    @Optional() @Inject(CLOCK) private readonly clock: Clock = { now: () => Date.now() },
  ) {}

  /** The governance state now, or a 503 when it has not been read from the store yet. */
  snapshot(): GovernanceSnapshot {
    const snapshot = this.governance.current;
    if (!snapshot) throw new ProblemError('governance-unavailable', 'The broker has not read its keys and agreements from the store yet; try again shortly.', { retryAfterSeconds: 1 });
    return snapshot;
  }

  /** The version of the state in force, if one was read. */
  governanceVersion(): number | undefined {
    return this.governance.current?.version;
  }

  agency(id: string): Agency | undefined {
    return this.governance.current?.agency(id);
  }

  /**
   * The agency a Bearer API key belongs to, or a 401/403 problem. `certificate` is the caller's client certificate
   * (mTLS, or a trusted proxy's header): a key bound to a certificate needs that one, a key bound to the agency
   * ("agency") any the agency registered, and any other key of an agency that registered certificates or issuers, too.
   */
  authenticate(authorization: string | undefined, clientIp: string, today: string, snapshot = this.snapshot(), certificate?: PresentedCertificate): Agency {
    const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    if (!match) throw new ProblemError('unauthenticated', 'Send the agency API key as "Authorization: Bearer <key>".');
    const key = snapshot.key(this.hasher.apiKeyHash(match[1]));
    if (!key || (key.expires !== null && key.expires < today)) {
      throw new ProblemError('unauthenticated', 'The API key is not valid, or has expired.');
    }
    if (key.networks && !key.networks.check(clientIp, clientIp.includes(':') ? 'ipv6' : 'ipv4')) {
      throw new ProblemError('network-not-allowed', `Key ${key.keyId} of agency ${key.agencyId} is accepted only from the agency's registered networks.`);
    }
    // A key bound to one certificate needs that one; any other key of an agency that registered certificates or
    // issuers (or one bound to the agency), one of them.
    const registered = snapshot.certificatesOf(key.agencyId);
    const issuers = snapshot.issuersOf(key.agencyId);
    const pinned = key.certificate && key.certificate !== ANY_AGENCY_CERTIFICATE ? key.certificate : null;
    if (key.certificate || registered.length > 0 || issuers.length > 0) {
      const accepted = pinned
        ? certificate !== undefined && certificate.chainVerified && certificate.fingerprint === pinned
        : certificate !== undefined && isAgencyCertificate(certificate, registered, issuers, this.clock.now());
      if (!accepted) {
        const who = `Key ${key.keyId} of agency ${key.agencyId}`;
        throw new ProblemError(
          'certificate-mismatch',
          !certificate
            ? `${who} needs the agency's client certificate; present it (mTLS).`
            : pinned
              ? `${who} is bound to another client certificate than the one presented.`
              : `${who} is accepted only with one of the agency's registered client certificates (by fingerprint, or issued by a registered CA to the registered subject), and the one presented is not.`,
        );
      }
    } else if (!this.bearerOnlyAllowed) {
      throw new ProblemError('certificate-required', `Key ${key.keyId} of agency ${key.agencyId} is not bound to a client certificate, and bearer keys alone are refused here (NIX_ALLOW_BEARER_ONLY).`);
    }
    this.noteUse(key.agencyId, key.keyId, today);
    return snapshot.agency(key.agencyId)!;
  }

  /** Refuses an inquiry that declares it is made for another agency (R8). */
  refuseRelay(headers: Record<string, string | string[] | undefined>): void {
    const relay = RELAY_HEADERS.find((h) => headers[h] !== undefined);
    if (relay) {
      throw new ProblemError('relay-forbidden', `Base-registry answers may not be passed on to third parties (R8); the ${relay} header is refused.`);
    }
  }

  /**
   * The agreements that allow the inquiry (the version served picks one of them by its major), or a 403 naming what is
   * missing. `published` gives the data items of the newest version of each published major (asked only for a demo
   * agency, off the common path): in development a demo agency without an agreement for a service (one published
   * after contracts/demo was written) is covered for every major and all its data items, with purpose `demo`, as its
   * demo agreements cover schemas/.
   */
  authorize(
    agency: Agency,
    registry: string,
    service: string,
    purpose: string | undefined,
    day: CalendarDay,
    snapshot = this.snapshot(),
    published: () => ReadonlyMap<number, readonly string[]> = () => new Map(),
  ): Authorization {
    try {
      return snapshot.policy.authorize(agency, registry, service, purpose, day.date);
    } catch (error) {
      if (!(this.demoCoverage && agency.demo && error instanceof ProblemError && error.problemType === 'no-agreement')) throw error;
      const demo = [...published()].map(([major, dataItems]) => demoAgreement(agency, registry, service, dataItems, major));
      return new AccessPolicy(demo).authorize(agency, registry, service, purpose, day.date);
    }
  }

  /**
   * The agreements that let an agency subscribe to an event type (R6), or a 403 naming what is missing. In development
   * a demo agency is covered for every event type, as it is for every service.
   */
  coverEvents(agency: Agency, registry: string, eventType: string, today: string, snapshot = this.snapshot()): readonly Agreement[] {
    try {
      return snapshot.policy.coverEvents(agency, registry, eventType, today);
    } catch (error) {
      if (!(this.demoCoverage && agency.demo && error instanceof ProblemError && error.problemType === 'no-agreement')) throw error;
      return new AccessPolicy([demoAgreement(agency, registry, eventType, [])]).coverEvents(agency, registry, eventType, today);
    }
  }

  /** Counts one inquiry against the agreement's daily quota, cluster-wide; answers the quota left. */
  consumeQuota(agreement: Agreement, day: CalendarDay, now: number): Promise<number> {
    return this.quota.consume(agreement, day, now);
  }

  private noteUse(agencyId: string, keyId: string, today: string): void {
    if (this.usedOn !== today) {
      this.usedOn = today;
      this.usedToday.clear();
    }
    const id = `${agencyId}\u0000${keyId}`;
    if (this.usedToday.has(id)) return;
    this.usedToday.add(id);
    // Best effort, off the inquiry's path: a failure is tried again on the next use.
    this.keyUse.recordKeyUse(agencyId, keyId, today).catch(() => this.usedToday.delete(id));
  }
}
