import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { CatalogService } from '../catalog/catalog.service';
import { openApiDocument } from '../catalog/openapi';
import { ExchangeLifecycle } from '../inquiry/exchange-lifecycle';

/**
 * What the HTTP edge needs beyond Nest's routing: only JSON bodies, the
 * exchange lifecycle hooks, and the OpenAPI document at /docs. Called by
 * every entry point and by the tests, before the app initialises.
 */
export function configureHttp(app: NestFastifyApplication, version: string): void {
  const fastify = app.getHttpAdapter().getInstance();
  // Fastify also parses text/plain by default; an inquiry is JSON or a 415.
  fastify.removeContentTypeParser(['text/plain']);
  app.get(ExchangeLifecycle).register(fastify);
  const document = openApiDocument(app.get(CatalogService).list(), version) as unknown as OpenAPIObject;
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json', customSiteTitle: 'NIX API' });
}
