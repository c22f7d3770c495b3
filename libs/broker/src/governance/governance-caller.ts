import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DayTracker, type Clock } from '@nix/domain';
import type { GovernanceActor } from '@nix/governance';
import { CLOCK, ClientCertificates } from '@nix/platform';
import { AccessService } from '../access/access.service';

/** Who calls the governance API: the agency its Bearer key names, with its roles, in the live governance state. */
@Injectable()
export class GovernanceCaller {
  private readonly days = new DayTracker();

  constructor(
    private readonly access: AccessService,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly certificates: ClientCertificates,
  ) {}

  /** Today in Tehran. */
  today(): string {
    return this.days.at(this.clock.now()).date;
  }

  /** The one place the governance API identifies its caller (a 401/403 problem when it cannot). */
  async actorOf(request: FastifyRequest): Promise<GovernanceActor> {
    const agency = this.access.authenticate(request.headers.authorization, request.ip, this.today(), undefined, this.certificates.presentedBy(request));
    return { agencyId: agency.id, roles: agency.roles };
  }

}
