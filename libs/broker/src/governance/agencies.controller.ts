import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GovernanceInputError, GovernanceRepository } from '@nix/governance';
import { governanceBody } from './governance-bodies';
import { GovernanceCaller } from './governance-caller';
import { noStore, RecordIdPipe } from './governance-http';

/** Agencies are registered by the working group; keys are issued and revoked by it or by the agency for itself. */
@Controller('v1/agencies')
export class AgenciesController {
  constructor(
    private readonly caller: GovernanceCaller,
    private readonly repository: GovernanceRepository,
  ) {}

  @Post()
  @HttpCode(201)
  async register(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    const { id, name, roles } = governanceBody('agency', body);
    const agency = await this.repository.registerAgency(actor, { id, name: { fa: name.fa, en: name.en }, roles, demo: false });
    noStore(reply);
    return { id: agency.id, name: agency.name, roles: agency.roles };
  }

  /** The client certificates the agency calls with, by fingerprint or by CA and subject (the working group): its keys then need one of them. */
  @Put(':id/certificates')
  async registerCertificates(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id', RecordIdPipe) agencyId: string, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    const { certificates, issuers } = governanceBody('certificates', body);
    const registered = await this.repository.registerCertificates(actor, agencyId, { fingerprints: certificates ?? [], issuers: issuers ?? [] });
    noStore(reply);
    return { agencyId, certificates: registered.fingerprints, issuers: registered.issuers };
  }

  @Get(':id/certificates')
  async certificates(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id', RecordIdPipe) agencyId: string) {
    const actor = await this.caller.actorOf(request);
    const registered = await this.repository.certificatesOf(actor, agencyId);
    noStore(reply);
    return { agencyId, certificates: registered.fingerprints, issuers: registered.issuers };
  }

  /** The key is in this answer only: the store keeps its SHA-256. */
  @Post(':id/keys')
  @HttpCode(201)
  async issueKey(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id', RecordIdPipe) agencyId: string, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    const limits = governanceBody('apiKey', body);
    if (limits.expires !== undefined && limits.expires < this.caller.today()) throw new GovernanceInputError('expires', 'is in the past: a key would be dead on arrival');
    const issued = await this.repository.issueApiKey(actor, agencyId, { expires: limits.expires ?? null, networks: limits.networks ?? null, certificate: limits.certificate ?? null });
    noStore(reply);
    return issued;
  }

  @Get(':id/keys')
  async keys(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id', RecordIdPipe) agencyId: string) {
    const actor = await this.caller.actorOf(request);
    const keys = await this.repository.apiKeysOf(actor, agencyId);
    noStore(reply);
    return { agency: agencyId, keys };
  }

  @Delete(':id/keys/:keyId')
  @HttpCode(204)
  async revokeKey(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id', RecordIdPipe) agencyId: string, @Param('keyId', RecordIdPipe) keyId: string) {
    const actor = await this.caller.actorOf(request);
    await this.repository.revokeApiKey(actor, agencyId, keyId);
    noStore(reply);
  }
}
