import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GovernanceRepository } from '@nix/governance';
import { GovernanceCaller } from './governance-caller';
import { noStore } from './governance-http';

/** Who the caller's key names: the dashboard shows the pages its roles allow. */
@Controller('v1/agencies/me')
export class CallerController {
  constructor(
    private readonly caller: GovernanceCaller,
    private readonly repository: GovernanceRepository,
  ) {}

  @Get()
  async me(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const actor = await this.caller.actorOf(request);
    const agency = await this.repository.requireAgency(actor.agencyId);
    noStore(reply);
    return { id: agency.id, name: agency.name, roles: actor.roles };
  }
}
