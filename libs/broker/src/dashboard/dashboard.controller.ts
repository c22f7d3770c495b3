import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { Controller, Get, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ProblemError } from '@nix/domain';

interface Asset {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** The page fetches everything from here and the reports API; Chart.js sets canvas sizes through style attributes. */
const PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

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
  private readonly assets = new Map<string, Asset>();

  constructor() {
    const dir = join(__dirname, 'public');
    for (const file of readdirSync(dir)) {
      const type = TYPES[extname(file)];
      if (type) this.assets.set(file, { body: readFileSync(join(dir, file)), type });
    }
    this.assets.set('chart.umd.js', { body: readFileSync(chartJsFile()), type: TYPES['.js'] });
  }

  @Get()
  page(@Res({ passthrough: true }) reply: FastifyReply): Buffer {
    return this.send(reply, 'index.html');
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer {
    if (file === 'index.html' || !this.assets.has(file)) throw new ProblemError('not-found', `The dashboard has no file "${file.slice(0, 64)}".`);
    return this.send(reply, file);
  }

  private send(reply: FastifyReply, file: string): Buffer {
    const asset = this.assets.get(file)!;
    reply
      .header('content-type', asset.type)
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('content-security-policy', PAGE_POLICY);
    return asset.body;
  }
}
