import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '@nix/domain';
import { isWorkingGroup } from '@nix/governance';
import { CLOCK } from '@nix/platform';
import { AccessService } from '../access/access.service';
import { KEY_HASHER, type KeyHasher } from '../access/key-hasher';
import { GovernanceCaller } from '../governance/governance-caller';
import { noStore } from '../governance/governance-http';
import { exchangeIdOf, exchangeNotFound, exchangeViewOf, maySee, trackingCodeOf } from './exchange-view';
import { ExchangesRepository } from './exchanges.repository';

/**
 * Tracking (R9): one exchange's steps, by its ID or by the consumer's tracking code, for its parties and the working
 * group. An exchange appears once the ledger has stored its record; another agency's is answered 404, as an unknown one.
 */
@Controller('v1/exchanges')
export class ExchangesController {
  constructor(
    private readonly caller: GovernanceCaller,
    private readonly access: AccessService,
    private readonly exchanges: ExchangesRepository,
    @Inject(KEY_HASHER) private readonly hasher: KeyHasher,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get(':exchangeId')
  async one(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('exchangeId') raw: string) {
    const actor = await this.caller.actorOf(request);
    const exchangeId = exchangeIdOf(raw);
    const stored = await this.exchanges.byId(exchangeId);
    if (!stored || !maySee(actor, stored)) throw exchangeNotFound(exchangeId, this.clock.now());
    noStore(reply);
    return exchangeViewOf(stored);
  }

  @Get()
  async tracked(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Query('trackingCode') raw: unknown) {
    const actor = await this.caller.actorOf(request);
    const trackingCode = trackingCodeOf(raw);
    // The ledger holds a digest keyed by the consumer (the code alone is never stored): one per agency that may have sent it.
    const digests = this.access.snapshot().agencies.map((agency) => this.hasher.trackingDigest(agency.id, trackingCode));
    const found = await this.exchanges.byTrackingDigests(digests, isWorkingGroup(actor) ? null : actor.agencyId);
    noStore(reply);
    return { trackingCode, exchanges: found.map(exchangeViewOf) };
  }
}
