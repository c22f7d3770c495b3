import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from '@nix/domain';
import { noStore } from '../governance/governance-http';
import { acknowledgementBody, eventsBody, subscriptionBody, webhookBody } from './notification-bodies';
import { NotificationDelivery } from './notification-delivery';
import { NotificationsService, type EventTypeEntry } from './notifications.service';

const CURSOR = /^\d{1,18}$/;

/**
 * Identity-change notifications (issue 14, R2, R18): the event types, custodians' events, agencies' subscriptions
 * (as pseudonyms), and their notifications by pull or by webhook.
 */
@Controller()
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly delivery: NotificationDelivery,
  ) {}

  @Get('v1/event-types')
  eventTypes(): { eventTypes: EventTypeEntry[] } {
    return { eventTypes: this.notifications.list() };
  }

  @Post('v1/events/:registry/:eventType')
  @HttpCode(202)
  async publish(@Param('registry') registry: string, @Param('eventType') eventType: string, @Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const type = this.notifications.eventType(registry, eventType);
    const center = this.notifications.center();
    const custodian = this.notifications.custodian(request, type);
    const events = eventsBody(type, body);
    const { eventIds } = await center.publish(custodian.id, registry, eventType, events);
    this.delivery.kick();
    noStore(reply);
    // Nothing tells the custodian which persons anyone follows: the answer is the same whether any agency matched.
    return { eventIds };
  }

  @Put('v1/subscriptions/:registry/:eventType')
  async subscribe(@Param('registry') registry: string, @Param('eventType') eventType: string, @Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const type = this.notifications.eventType(registry, eventType);
    const center = this.notifications.center();
    const agency = this.notifications.subscriber(request, type);
    const { nationalIds } = subscriptionBody(body);
    const added = await center.subscribe(agency.id, registry, eventType, nationalIds);
    noStore(reply);
    return { eventType: `${registry}/${eventType}`, subscribed: new Set(nationalIds).size, added };
  }

  @Delete('v1/subscriptions/:registry/:eventType')
  async unsubscribe(@Param('registry') registry: string, @Param('eventType') eventType: string, @Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const type = this.notifications.eventType(registry, eventType);
    const center = this.notifications.center();
    // Removing one's own subscriptions needs no agreement in force: an agency whose agreement ended still tidies up.
    const agency = this.notifications.caller(request);
    const { nationalIds } = subscriptionBody(body);
    const removed = await center.unsubscribe(agency.id, type.registry, type.eventType, nationalIds);
    noStore(reply);
    return { eventType: `${registry}/${eventType}`, removed };
  }

  @Get('v1/notifications')
  async pull(@Query('after') after: string | undefined, @Query('limit') limit: string | undefined, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const center = this.notifications.center();
    const agency = this.notifications.caller(request);
    const cursor = after ?? '0';
    if (!CURSOR.test(cursor)) throw new ProblemError('invalid-request', 'The cursor is not one this API gave.', { errors: [{ pointer: 'query:after', detail: 'must be a cursor from an earlier answer' }] });
    const size = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(size) || size < 1 || size > 1000) throw new ProblemError('invalid-request', 'The limit must be an integer from 1 to 1000.', { errors: [{ pointer: 'query:limit', detail: 'must be an integer from 1 to 1000' }] });
    noStore(reply);
    return center.pull(agency.id, cursor, size);
  }

  @Post('v1/notifications/ack')
  async acknowledge(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const center = this.notifications.center();
    const agency = this.notifications.caller(request);
    const { eventIds } = acknowledgementBody(body);
    const acknowledged = await center.acknowledge(agency.id, eventIds);
    noStore(reply);
    return { acknowledged };
  }

  @Put('v1/agencies/me/webhook')
  async registerWebhook(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const center = this.notifications.center();
    const agency = this.notifications.caller(request);
    const { url } = webhookBody(body);
    const result = await center.registerWebhook(agency.id, url);
    if ('problem' in result) throw new ProblemError('invalid-request', `The webhook URL is refused: ${result.problem.detail}.`, { errors: [result.problem] });
    noStore(reply);
    this.delivery.kick();
    // The signing secret is shown this once (Standard Webhooks `whsec_…`); registering again replaces it.
    return result;
  }

  @Get('v1/agencies/me/webhook')
  async webhook(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const center = this.notifications.center();
    const agency = this.notifications.caller(request);
    const webhook = await center.webhookOf(agency.id);
    if (!webhook) throw new ProblemError('not-found', 'The agency has registered no webhook; PUT one.');
    noStore(reply);
    return { url: webhook.url, registeredAt: new Date(webhook.registeredAt).toISOString() };
  }

  @Delete('v1/agencies/me/webhook')
  @HttpCode(204)
  async deleteWebhook(@Req() request: FastifyRequest): Promise<void> {
    const center = this.notifications.center();
    const agency = this.notifications.caller(request);
    if (!(await center.deleteWebhook(agency.id))) throw new ProblemError('not-found', 'The agency has registered no webhook.');
  }
}
