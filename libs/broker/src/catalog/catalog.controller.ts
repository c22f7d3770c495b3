import { Controller, Get, Header, Param } from '@nestjs/common';
import { CatalogService, type CatalogEntry } from './catalog.service';

/** The service catalogue: public, so that any agency can discover what exists. */
@Controller()
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Get('v1/services')
  list(): { services: CatalogEntry[] } {
    return { services: this.catalog.list() };
  }

  @Get('v1/services/:registry/:service')
  get(@Param('registry') registry: string, @Param('service') service: string): CatalogEntry {
    return this.catalog.get(registry, service);
  }

  @Get('schemas/:registry/:file')
  @Header('content-type', 'application/schema+json')
  schema(@Param('registry') registry: string, @Param('file') file: string): Record<string, unknown> {
    return this.catalog.schema(registry, file);
  }
}
