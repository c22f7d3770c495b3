import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GovernanceRepository } from '@nix/governance';
import { governanceBody } from './governance-bodies';
import { GovernanceCaller } from './governance-caller';
import { noStore, RecordIdPipe } from './governance-http';
import { GovernanceService } from './governance.service';

/** Access requests: the consumer files, the registry's custodian consents or refuses, the working group decides. */
@Controller('v1/access-requests')
export class AccessRequestsController {
  constructor(
    private readonly caller: GovernanceCaller,
    private readonly governance: GovernanceService,
    private readonly repository: GovernanceRepository,
  ) {}

  @Post()
  @HttpCode(201)
  async file(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    const filed = await this.governance.fileAccessRequest(actor, governanceBody('accessRequest', body));
    noStore(reply);
    reply.header('location', `/v1/access-requests/${filed.id}`);
    return filed;
  }

  @Get()
  async list(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const actor = await this.caller.actorOf(request);
    noStore(reply);
    return { accessRequests: await this.repository.accessRequests(actor) };
  }

  @Get(':id')
  async one(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id', RecordIdPipe) id: string) {
    const actor = await this.caller.actorOf(request);
    noStore(reply);
    return this.repository.accessRequest(actor, id);
  }

  @Post(':id/consent')
  @HttpCode(200)
  async consent(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id', RecordIdPipe) id: string, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    const { note } = governanceBody('custodianStep', body);
    noStore(reply);
    return this.repository.consentToAccessRequest(actor, id, note ?? null);
  }

  @Post(':id/refusal')
  @HttpCode(200)
  async refuse(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id', RecordIdPipe) id: string, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    const { note } = governanceBody('custodianStep', body);
    noStore(reply);
    return this.repository.refuseAccessRequest(actor, id, note ?? null);
  }

  @Post(':id/decision')
  @HttpCode(200)
  async decide(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id', RecordIdPipe) id: string, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    const decision = governanceBody('decision', body);
    const { request: decided } = await this.repository.decideAccessRequest(actor, id, decision);
    noStore(reply);
    return decided;
  }
}
