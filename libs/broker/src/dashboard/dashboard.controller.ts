import { dirname, join } from 'node:path';
import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { StaticPages } from '../web/static-pages';

/** Chart.js's browser build, from the chart.js package (no CDN: the broker serves it). */
function chartJsFile(): string {
  return join(dirname(require.resolve('chart.js')), 'chart.umd.js');
}

/**
 * The reports dashboard: static files served by the broker at /dashboard.
 * The page holds no data; it asks for an API key and calls the reports API.
 */
@Controller('dashboard')
export class DashboardController {
  private readonly pages = new StaticPages('dashboard', join(__dirname, 'public'), { 'chart.umd.js': chartJsFile() });

  @Get()
  page(@Res({ passthrough: true }) reply: FastifyReply): Buffer {
    return this.pages.page(reply);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer {
    return this.pages.asset(reply, file);
  }
}
