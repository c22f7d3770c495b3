import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CatalogueRepository, type BindingCheck, type LiveCatalog } from '@nix/catalog';
import { SERVICE_CATALOG } from '@nix/platform';
import { GovernanceCaller } from '../governance/governance-caller';
import { noStore } from '../governance/governance-http';
import { publishedVersionsOf, registriesOf } from './catalogue-reads';

export const BINDING_CHECK = Symbol('BINDING_CHECK');

/**
 * Publishing (R1, R13–R15): the working group registers a registry and its custodian; the custodian publishes
 * versions of its services, deprecates them and announces maintenance. Each change is checked, audited, and served by
 * every broker without a restart.
 */
@Controller('v1')
export class CatalogueController {
  constructor(
    private readonly caller: GovernanceCaller,
    private readonly repository: CatalogueRepository,
    @Inject(BINDING_CHECK) private readonly checkBinding: BindingCheck,
    @Inject(SERVICE_CATALOG) private readonly catalog: LiveCatalog,
  ) {}

  /** Every registry with its custodian, services or none yet: public, as the catalogue is. */
  @Get('registries')
  registries() {
    return { registries: registriesOf(this.catalog) };
  }

  /**
   * Every published version of a service, oldest first, with its deprecation: public. The binding (how the adapter
   * host reaches the registry) is shown to the registry's custodian only, so that its page can start from it.
   */
  @Get('services/:registry/:service/versions')
  async versions(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('registry') registry: string, @Param('service') service: string) {
    const actor = request.headers.authorization ? await this.caller.actorOf(request) : null;
    const custodian = actor !== null && this.catalog.registry(registry)?.custodian === actor.agencyId;
    noStore(reply);
    return { registry, service, versions: publishedVersionsOf(this.catalog, registry, service, custodian) };
  }

  @Put('registries/:registry')
  @HttpCode(200)
  async registerRegistry(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('registry') registry: string, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    const fields = (body ?? {}) as Record<string, unknown>;
    noStore(reply);
    return this.repository.registerRegistry(actor, { registry, custodian: fields.custodian, title: fields.title, description: fields.description });
  }

  @Put('services/:registry/:service/versions/:version')
  @HttpCode(201)
  async publish(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('registry') registry: string,
    @Param('service') service: string,
    @Param('version') version: string,
    @Body() body: unknown,
  ) {
    const actor = await this.caller.actorOf(request);
    const published = await this.repository.publishVersion(actor, registry, service, version, body, this.checkBinding);
    noStore(reply);
    reply.header('location', `/v1/services/${registry}/${service}/versions/${version}`);
    return published;
  }

  @Post('services/:registry/:service/versions/:version/deprecation')
  @HttpCode(200)
  async deprecate(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('registry') registry: string,
    @Param('service') service: string,
    @Param('version') version: string,
    @Body() body: unknown,
  ) {
    const actor = await this.caller.actorOf(request);
    noStore(reply);
    return this.repository.deprecate(actor, registry, service, version, body);
  }

  @Post('services/:registry/:service/maintenance')
  @HttpCode(201)
  async announceMaintenance(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('registry') registry: string, @Param('service') service: string, @Body() body: unknown) {
    const actor = await this.caller.actorOf(request);
    noStore(reply);
    return this.repository.announceMaintenance(actor, registry, service, body);
  }
}
