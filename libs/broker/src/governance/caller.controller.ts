import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GovernanceRepository } from '@nix/governance';
import { AccessService } from '../access/access.service';
import { GovernanceCaller } from './governance-caller';
import { noStore } from './governance-http';

/** Who the caller's key names: the dashboard shows the pages its roles allow. */
@Controller('v1/agencies/me')
export class CallerController {
  constructor(
    private readonly caller: GovernanceCaller,
    private readonly repository: GovernanceRepository,
    private readonly access: AccessService,
  ) {}

  @Get()
  async me(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const actor = await this.caller.actorOf(request);
    // The store names agencies registered through the API; contracts/ the ones it has not imported yet.
    const agency = (await this.repository.agencies()).find((a) => a.id === actor.agencyId) ?? this.access.agency(actor.agencyId);
    noStore(reply);
    return { id: actor.agencyId, name: agency?.name ?? { fa: actor.agencyId, en: actor.agencyId }, roles: actor.roles };
  }
}
