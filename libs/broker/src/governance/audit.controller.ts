import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GovernanceRepository, isWorkingGroup, NotPermittedError } from '@nix/governance';
import { auditCsv, parseAuditQuery } from './audit-query';
import { GovernanceCaller } from './governance-caller';
import { noStore } from './governance-http';

/** The working group's audit log of every governance change: append-only, paged, JSON or CSV. */
@Controller('v1/audit')
export class AuditController {
  constructor(
    private readonly caller: GovernanceCaller,
    private readonly repository: GovernanceRepository,
  ) {}

  @Get()
  async log(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Query() raw: Record<string, unknown>) {
    const actor = await this.caller.actorOf(request);
    if (!isWorkingGroup(actor)) throw new NotPermittedError(actor.agencyId, 'read the audit log');
    const { format, ...query } = parseAuditQuery(raw, request.headers.accept);
    const page = await this.repository.auditPage(query);
    noStore(reply);
    if (page.next !== null) {
      const next = new URLSearchParams({ ...stringsOf({ subject: query.subject, actor: query.actor, limit: query.limit, format }), after: String(page.next) });
      reply.header('link', `</v1/audit?${next.toString()}>; rel="next"`);
    }
    if (format === 'csv') {
      reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="nix-audit.csv"');
      return auditCsv(page.entries);
    }
    return page;
  }
}

function stringsOf(values: Record<string, string | number | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])));
}
