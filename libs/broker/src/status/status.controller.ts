import { join } from 'node:path';
import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { StaticPages } from '../web/static-pages';
import type { StatusDocument } from './service-status';
import { StatusService } from './status.service';

/** Public, with no key (R15 says availability is announced openly): the JSON and the page that shows it. */
@Controller()
export class StatusController {
  private readonly pages = new StaticPages('status page', join(__dirname, 'public'));

  constructor(private readonly status: StatusService) {}

  @Get('v1/status')
  @Header('cache-control', 'public, max-age=5')
  document(): Promise<StatusDocument> {
    return this.status.status();
  }

  @Get('status')
  page(@Res({ passthrough: true }) reply: FastifyReply): Buffer {
    return this.pages.page(reply);
  }

  @Get('status/assets/:file')
  asset(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer {
    return this.pages.asset(reply, file);
  }
}
