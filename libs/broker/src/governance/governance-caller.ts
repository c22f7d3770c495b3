import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DayTracker, ProblemError, type Clock } from '@nix/domain';
import { GovernanceNotFoundError, GovernanceRepository, NotPermittedError, type GovernanceActor } from '@nix/governance';
import { CLOCK } from '@nix/platform';
import { AccessService } from '../access/access.service';
import { KEY_HASHER, type KeyHasher } from '../access/key-hasher';

/** Who calls the governance API: the agency its Bearer key names, with its roles. */
@Injectable()
export class GovernanceCaller {
  private readonly days = new DayTracker();

  constructor(
    @Inject(AccessService) private readonly access: Pick<AccessService, 'authenticate' | 'agency'>,
    @Inject(GovernanceRepository) private readonly repository: Pick<GovernanceRepository, 'apiKeys' | 'requireAgency'>,
    @Inject(KEY_HASHER) private readonly hasher: KeyHasher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The one place the governance API identifies its caller (a 401/403 problem when it cannot). */
  async actorOf(request: Pick<FastifyRequest, 'headers' | 'ip'>): Promise<GovernanceActor> {
    const today = this.days.at(this.clock.now()).date;
    let agencyId: string;
    try {
      agencyId = this.access.authenticate(request.headers.authorization, request.ip, today).id;
    } catch (error) {
      // Until AccessService reads keys from the store, a key issued through this API is found here.
      const stored = error instanceof ProblemError && error.problemType === 'unauthenticated' ? await this.storedKeyActor(request.headers.authorization, request.ip, today) : null;
      if (stored) return stored;
      throw error;
    }
    return this.registered(agencyId);
  }

  /** Governance acts only for agencies in the governance store, with the roles it holds there. */
  private async registered(agencyId: string): Promise<GovernanceActor> {
    const agency = await this.repository.requireAgency(agencyId).catch((error: unknown) => {
      if (error instanceof GovernanceNotFoundError) throw new NotPermittedError(agencyId, 'act before it is in the governance store (import contracts/: npm run contracts:import)');
      throw error;
    });
    return { agencyId: agency.id, roles: agency.roles };
  }

  private async storedKeyActor(authorization: string | undefined, clientIp: string, today: string): Promise<GovernanceActor | null> {
    const match = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    if (!match) return null;
    const sha256 = this.hasher.apiKeyHash(match[1]);
    const key = (await this.repository.apiKeys()).find((k) => k.sha256 === sha256);
    if (!key || (key.expires !== null && key.expires < today)) return null;
    if (key.networks && !key.networks.check(clientIp, clientIp.includes(':') ? 'ipv6' : 'ipv4')) {
      throw new ProblemError('network-not-allowed', `Key ${key.keyId} of agency ${key.agencyId} is accepted only from the agency's registered networks.`);
    }
    const agency = await this.repository.requireAgency(key.agencyId);
    // Demo agencies are known to access only where contracts/ loaded them (never in production).
    if (agency.demo && !this.access.agency(agency.id)) return null;
    return { agencyId: agency.id, roles: agency.roles };
  }
}
