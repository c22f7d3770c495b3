import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GovernanceInputError, GovernanceRepository } from '@nix/governance';
import { governanceBody } from './governance-bodies';
import { GovernanceCaller } from './governance-caller';
import { noStore, RecordIdPipe } from './governance-http';

/** R7: services that do not exist yet are requested from the working group, which triages them. */
@Controller('v1/service-requests')
export class ServiceRequestsController {
  constructor(
    private readonly caller: GovernanceCaller,
    private readonly repository: GovernanceRepository,
  ) {}

  @Post()
  @HttpCode(201)
  async submit(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    const { description } = governanceBody('serviceRequest', body);
    noStore(reply);
    return this.repository.submitServiceRequest(actor, description);
  }

  @Get()
  async list(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const actor = await this.caller.actorOf(request);
    noStore(reply);
    return { serviceRequests: await this.repository.serviceRequests(actor) };
  }

  /** `{outcome: "accepted", custodian}` or `{outcome: "rejected", reason}`. */
  @Post(':id/triage')
  @HttpCode(200)
  async triage(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id', RecordIdPipe) id: string, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    const triage = governanceBody('triage', body);
    noStore(reply);
    if (triage.outcome === 'accepted') {
      if (triage.reason !== undefined) throw new GovernanceInputError('reason', 'is given only when rejecting');
      if (triage.custodian === undefined) throw new GovernanceInputError('custodian', 'is required when accepting');
      return this.repository.acceptServiceRequest(actor, id, triage.custodian);
    }
    if (triage.custodian !== undefined) throw new GovernanceInputError('custodian', 'is given only when accepting');
    if (triage.reason === undefined) throw new GovernanceInputError('reason', 'is required when rejecting');
    return this.repository.rejectServiceRequest(actor, id, triage.reason);
  }
}

/** R6: disputes about an agreement or a request, settled by the working group with a binding resolution. */
@Controller('v1/disputes')
export class DisputesController {
  constructor(
    private readonly caller: GovernanceCaller,
    private readonly repository: GovernanceRepository,
  ) {}

  @Post()
  @HttpCode(201)
  async open(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    const { subject, statement } = governanceBody('dispute', body);
    noStore(reply);
    return this.repository.openDispute(actor, subject, statement);
  }

  @Get()
  async list(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const actor = await this.caller.actorOf(request);
    noStore(reply);
    return { disputes: await this.repository.disputes(actor) };
  }

  @Post(':id/resolution')
  @HttpCode(200)
  async resolve(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id', RecordIdPipe) id: string, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    const { resolution } = governanceBody('resolution', body);
    noStore(reply);
    return this.repository.resolveDispute(actor, id, resolution);
  }
}
