import { Inject, Injectable } from '@nestjs/common';
import { AccessPolicy, DailyQuota, ProblemError, type Agency, type Agreement, type CalendarDay } from '@nix/domain';
import type { ApiKeyEntry, ContractSet } from '@nix/contracts';
import { KEY_HASHER, type KeyHasher } from './key-hasher';

export const CONTRACTS = Symbol('CONTRACTS');

/** Headers by which one agency would pass another's inquiry through its own key (R8). */
const RELAY_HEADERS = ['x-on-behalf-of', 'x-forwarded-agency', 'x-original-consumer'];

/**
 * Who is calling and what they may do: API keys identify the agency,
 * agreements decide the inquiry (R6), quotas bound it, and an agency may not
 * relay inquiries for a third party (R8).
 */
@Injectable()
export class AccessService {
  private readonly keys = new Map<string, ApiKeyEntry>();
  private readonly agencies = new Map<string, Agency>();
  readonly policy: AccessPolicy;
  readonly quota = new DailyQuota();

  constructor(
    @Inject(CONTRACTS) readonly contracts: ContractSet,
    @Inject(KEY_HASHER) private readonly hasher: KeyHasher,
  ) {
    for (const key of contracts.apiKeys) this.keys.set(key.sha256, key);
    for (const agency of contracts.agencies) this.agencies.set(agency.id, agency);
    this.policy = new AccessPolicy(contracts.agreements);
  }

  agency(id: string): Agency | undefined {
    return this.agencies.get(id);
  }

  /** The agency a Bearer API key belongs to, or a 401/403 problem. */
  authenticate(authorization: string | undefined, clientIp: string, today: string): Agency {
    const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    if (!match) throw new ProblemError('unauthenticated', 'Send the agency API key as "Authorization: Bearer <key>".');
    const key = this.keys.get(this.hasher.apiKeyHash(match[1]));
    if (!key || (key.expires !== null && key.expires < today)) {
      throw new ProblemError('unauthenticated', 'The API key is not valid, or has expired.');
    }
    if (key.networks && !key.networks.check(clientIp, clientIp.includes(':') ? 'ipv6' : 'ipv4')) {
      throw new ProblemError('network-not-allowed', `Key ${key.keyId} of agency ${key.agencyId} is accepted only from the agency's registered networks.`);
    }
    return this.agencies.get(key.agencyId)!;
  }

  /** Refuses an inquiry that declares it is made for another agency (R8). */
  refuseRelay(headers: Record<string, string | string[] | undefined>): void {
    const relay = RELAY_HEADERS.find((h) => headers[h] !== undefined);
    if (relay) {
      throw new ProblemError('relay-forbidden', `Base-registry answers may not be passed on to third parties (R8); the ${relay} header is refused.`);
    }
  }

  authorize(agency: Agency, registry: string, service: string, purpose: string | undefined, day: CalendarDay): Agreement {
    return this.policy.authorize(agency, registry, service, purpose, day.date);
  }
}
