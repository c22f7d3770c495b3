import type { FastifyBodyParser } from 'fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { CatalogService } from './catalog/catalog.service';
import { openApiDocument } from './catalog/openapi';
import { ExchangeHooks } from './inquiry/exchange-hooks';
import { InquiryRoute } from './inquiry/inquiry.route';
import { SUBSCRIPTION_BODY_LIMIT } from './notifications/notification-bodies';
import type { HttpEdge } from '@nix/platform';

/**
 * What the broker's HTTP API needs beyond Nest's routing: only JSON bodies
 * (Nest's form parser is off: the app is created with bodyParser: false), the
 * exchange hooks, the inquiry route (on Fastify itself), and the OpenAPI
 * document at /docs. Called before the app initialises, and before the edge
 * attaches its own hooks.
 */
export function configureHttp(app: NestFastifyApplication, version: string, edge: HttpEdge): void {
  const fastify = app.getHttpAdapter().getInstance();
  // Fastify also parses text/plain by default; an inquiry is JSON or a 415.
  fastify.removeContentTypeParser(['text/plain']);
  // JSON is read as bytes and decoded once by Fastify's own parser (the same proto and constructor poisoning checks):
  // the exchange hooks see and digest the body's chunks as they came over the wire, undecoded.
  fastify.removeContentTypeParser(['application/json']);
  const { onProtoPoisoning = 'error', onConstructorPoisoning = 'error' } = fastify.initialConfig;
  // Typed for strings; it takes a Buffer as well (secure-json-parse decodes it as UTF-8, a BOM dropped, as for a string).
  const parseJson = fastify.getDefaultJsonParser(onProtoPoisoning, onConstructorPoisoning) as unknown as FastifyBodyParser<Buffer>;
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, parseJson);
  // A subscription call carries up to 10,000 national IDs: more than the API's body limit, on those routes only.
  fastify.addHook('onRoute', (route) => {
    if (route.url.startsWith('/v1/subscriptions/')) route.bodyLimit = SUBSCRIPTION_BODY_LIMIT;
  });
  const hooks = app.get(ExchangeHooks);
  hooks.register(fastify);
  app.get(InquiryRoute).register(fastify);
  edge.trackExchanges((request, reply) => hooks.track(request, reply));
  const catalog = app.get(CatalogService);
  const document = () => openApiDocument(catalog.list(), version) as unknown as OpenAPIObject;
  // Built again on each request, so that a service published a moment ago is documented (R1).
  SwaggerModule.setup('docs', app, document(), { jsonDocumentUrl: 'docs/openapi.json', customSiteTitle: 'NIX API', patchDocumentOnRequest: () => document() });
}
