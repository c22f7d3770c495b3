import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from '@nix/domain';
import { ClientCertificates } from '@nix/platform';
import {
  complianceCsv,
  formatOf,
  notificationCsv,
  parseAgencyReportQuery,
  parseComplianceQuery,
  parseServiceLevelQuery,
  parseUsageQuery,
  renderPrintableReport,
  serviceLevelCsv,
  usageCsv,
  type RawQuery,
} from '@nix/reports';
import { PdfPrinter } from './pdf-printer';
import { ReportsService } from './reports.service';

const CSV = { csv: /\btext\/csv\b/i };
const SLUG = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * Reports on the traffic ledger's rollups, for the working group (all
 * traffic), providers (the use of their services) and consumers (their own
 * usage): JSON, or CSV by Accept: text/csv or ?format=csv.
 */
@Controller('v1/reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly printer: PdfPrinter,
    private readonly certificates: ClientCertificates,
  ) {}

  @Get('usage')
  async usage(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Query() raw: RawQuery) {
    const caller = this.reports.caller(request.headers.authorization, request.ip, this.certificates.presentedBy(request));
    const query = parseUsageQuery(raw, caller.now);
    const format = formatOf(raw, request.headers.accept, ['json', 'csv'], CSV);
    const report = await this.reports.usage(caller, query);
    if (format === 'csv') return csv(reply, `nix-usage-${report.period.key}`, usageCsv(report.rows, report.groupBy, report.periods ?? [], report.labels, query.lang));
    return json(reply, report);
  }

  @Get('service-levels')
  async serviceLevels(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Query() raw: RawQuery) {
    const caller = this.reports.caller(request.headers.authorization, request.ip, this.certificates.presentedBy(request));
    const query = parseServiceLevelQuery(raw, caller.now);
    const format = formatOf(raw, request.headers.accept, ['json', 'csv'], CSV);
    const report = await this.reports.serviceLevels(caller, query);
    if (format === 'csv') return csv(reply, `nix-service-levels-${report.period.key}`, serviceLevelCsv(report.rows, report.labels, query.lang));
    return json(reply, report);
  }

  @Get('compliance')
  async compliance(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Query() raw: RawQuery) {
    const caller = this.reports.caller(request.headers.authorization, request.ip, this.certificates.presentedBy(request));
    const query = parseComplianceQuery(raw, caller.now);
    const format = formatOf(raw, request.headers.accept, ['json', 'csv'], CSV);
    const report = await this.reports.compliance(caller, query);
    if (format === 'csv') return csv(reply, `nix-compliance-${report.period.key}`, complianceCsv(report, report.labels, query.lang));
    return json(reply, report);
  }

  /** Events and notification deliveries per agency, and the share delivered the same Tehran day (issue 14). */
  @Get('notifications')
  async notifications(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Query() raw: RawQuery) {
    const caller = this.reports.caller(request.headers.authorization, request.ip, this.certificates.presentedBy(request));
    const query = parseAgencyReportQuery(raw, caller.now);
    const format = formatOf(raw, request.headers.accept, ['json', 'csv'], CSV);
    const report = await this.reports.notifications(caller, query);
    if (format === 'csv') return csv(reply, `nix-notifications-${report.period.key}`, notificationCsv(report.agencies, report.labels, query.lang));
    return json(reply, report);
  }

  @Get('agencies')
  async agencies(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const caller = this.reports.caller(request.headers.authorization, request.ip, this.certificates.presentedBy(request));
    const { id, name, roles } = caller.agency;
    return json(reply, { caller: { id, name, roles }, agencies: await this.reports.agencies(caller) });
  }

  @Get('agencies/:agencyId')
  async agency(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('agencyId') agencyId: string, @Query() raw: RawQuery) {
    const caller = this.reports.caller(request.headers.authorization, request.ip, this.certificates.presentedBy(request));
    const query = parseAgencyReportQuery(raw, caller.now);
    return json(reply, await this.reports.agencyReport(caller, checkedAgencyId(agencyId), query));
  }

  /** The agency's report for printing: HTML with print CSS, or ?format=pdf. */
  @Get('agencies/:agencyId/printable')
  async printable(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('agencyId') agencyId: string, @Query() raw: RawQuery) {
    const caller = this.reports.caller(request.headers.authorization, request.ip, this.certificates.presentedBy(request));
    const query = parseAgencyReportQuery(raw, caller.now);
    const format = formatOf(raw, request.headers.accept, ['html', 'pdf'], { pdf: /^application\/pdf\b/i });
    const report = await this.reports.agencyReport(caller, checkedAgencyId(agencyId), query);
    const html = renderPrintableReport(report, query.lang);
    reply.header('cache-control', 'no-store').header('vary', 'Accept, Authorization');
    const name = `nix-report-${report.agency.id}-${report.period.key.replace(/[^A-Za-z0-9-]/g, '-')}-${query.lang}`;
    if (format === 'pdf') {
      const pdf = await this.printer.print(html);
      reply.header('content-type', 'application/pdf').header('content-disposition', `inline; filename="${name}.pdf"`);
      return pdf;
    }
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
      .header('content-disposition', `inline; filename="${name}.html"`);
    return html;
  }
}

function checkedAgencyId(agencyId: string): string {
  if (!SLUG.test(agencyId)) throw new ProblemError('not-found', `No agency "${agencyId.slice(0, 64)}" is known.`);
  return agencyId;
}

function json(reply: FastifyReply, body: unknown): unknown {
  reply.header('cache-control', 'no-store').header('vary', 'Accept, Authorization');
  return body;
}

function csv(reply: FastifyReply, name: string, text: string): string {
  reply
    .header('cache-control', 'no-store')
    .header('vary', 'Accept, Authorization')
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name.replace(/[^A-Za-z0-9-]/g, '-')}.csv"`);
  return text;
}
