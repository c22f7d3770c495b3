import { Body, Controller, Get, HttpCode, Param, Patch, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GovernanceRepository } from '@nix/governance';
import { governanceBody } from './governance-bodies';
import { GovernanceCaller } from './governance-caller';
import { agreementView, noStore, RecordIdPipe } from './governance-http';
import { GovernanceService } from './governance.service';

/** Agreements: each agency sees its own, the working group all, and only the working group changes them (R6). */
@Controller('v1/agreements')
export class AgreementsController {
  constructor(
    private readonly caller: GovernanceCaller,
    private readonly governance: GovernanceService,
    private readonly repository: GovernanceRepository,
  ) {}

  @Get()
  async list(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const actor = await this.caller.actorOf(request);
    noStore(reply);
    return { agreements: (await this.governance.agreements(actor)).map(agreementView) };
  }

  @Post()
  @HttpCode(201)
  async create(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    const agreement = await this.governance.createAgreement(actor, governanceBody('agreement', body));
    noStore(reply);
    return agreementView(agreement);
  }

  @Patch(':id')
  async amend(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id', RecordIdPipe) id: string, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    noStore(reply);
    return agreementView(await this.governance.amendAgreement(actor, id, governanceBody('amendment', body)));
  }

  @Post(':id/suspension')
  @HttpCode(200)
  async suspend(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id', RecordIdPipe) id: string, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    const { resolution } = governanceBody('resolution', body);
    noStore(reply);
    return agreementView(await this.repository.suspendAgreement(actor, id, resolution));
  }

  @Post(':id/reinstatement')
  @HttpCode(200)
  async reinstate(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id', RecordIdPipe) id: string, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    const { resolution } = governanceBody('resolution', body);
    noStore(reply);
    return agreementView(await this.repository.reinstateAgreement(actor, id, resolution));
  }

  @Post(':id/revocation')
  @HttpCode(200)
  async revoke(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id', RecordIdPipe) id: string, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    const { resolution } = governanceBody('resolution', body);
    noStore(reply);
    return agreementView(await this.repository.revokeAgreement(actor, id, resolution));
  }
}
