import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { NixConfig } from '@nix/config';
import { ProblemError } from '@nix/domain';
import type { NixMetrics } from '@nix/observability';
import type { Logger } from 'pino';
import { LOGGER, METRICS, NIX_CONFIG } from '../core/tokens';

/**
 * An operations call served on the metrics listener (never the API port), e.g. POST /ops/backup: answered only to a
 * caller on this machine, or to one with the operations token when NIX_OPS_TOKEN is set.
 */
export interface OpsRoute {
  method: 'GET' | 'POST';
  path: string;
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
}

/**
 * Prometheus scrapes GET /metrics here: a listener of its own (NIX_METRICS_HOST,
 * NIX_METRICS_PORT), never the public API port, because the series name every
 * agency and its call counts. It closes when the application shuts down.
 */
@Injectable()
export class MetricsListener implements OnApplicationShutdown {
  private server: Server | null = null;
  private boundUrl: string | null = null;
  private readonly routes = new Map<string, OpsRoute>();

  constructor(
    @Inject(METRICS) private readonly metrics: NixMetrics,
    @Inject(NIX_CONFIG) private readonly config: NixConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Where Prometheus reaches this listener (http://host:port), once it listens. */
  get url(): string | null {
    return this.boundUrl;
  }

  /** Serves an operations call (see OpsRoute) beside /metrics. */
  addRoute(route: OpsRoute): void {
    this.routes.set(route.path, route);
  }

  /** Starts listening; NIX_METRICS_PORT=0 takes a free port. Answers the bound URL. */
  async listen(): Promise<string> {
    if (this.boundUrl) return this.boundUrl;
    const server = createServer((request, response) => void this.answer(request, response));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.metrics.port, this.config.metrics.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const { address, port, family } = server.address() as AddressInfo;
    this.boundUrl = `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
    return this.boundUrl;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    this.boundUrl = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    const route = this.routes.get(path);
    if (route) return this.answerOps(route, request, response);
    if (path !== '/metrics') return problem(response, new ProblemError('not-found', 'Only GET /metrics is served here.'));
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return problem(response, new ProblemError('method-not-allowed', 'GET /metrics is the only method served here.'));
    }
    try {
      const text = await this.metrics.registry.metrics();
      response.writeHead(200, { 'content-type': this.metrics.registry.contentType, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : text);
    } catch (error) {
      this.logger.error({ err: error }, 'metrics could not be collected');
      problem(response, new ProblemError('internal-error', 'The metrics could not be collected; the failure is logged.'));
    }
  }

  private async answerOps(route: OpsRoute, request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== route.method) {
      response.setHeader('allow', route.method);
      return problem(response, new ProblemError('method-not-allowed', `${route.path} answers ${route.method} only.`));
    }
    if (!opsCallerAllowed(request, this.config.ops.token)) {
      return problem(response, new ProblemError('ops-forbidden', this.config.ops.token ? 'The operations token (Authorization: Bearer) is missing or wrong.' : 'Operations calls are answered on loopback only; set NIX_OPS_TOKEN to call from elsewhere.'));
    }
    try {
      await route.handle(request, response);
    } catch (error) {
      if (response.headersSent) {
        response.destroy(error as Error);
        return;
      }
      if (error instanceof ProblemError) return problem(response, error);
      this.logger.error({ err: error, path: route.path }, 'an operations call failed');
      problem(response, new ProblemError('internal-error', 'The operations call failed; the failure is logged.'));
    }
  }
}

/** Whether the caller may make operations calls: the token when one is configured, else a loopback address. */
export function opsCallerAllowed(request: IncomingMessage, token: string | null): boolean {
  if (token !== null) {
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const digest = (text: string) => createHash('sha256').update(text).digest();
    return timingSafeEqual(digest(given), digest(token));
  }
  const address = request.socket.remoteAddress ?? '';
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

function problem(response: ServerResponse, error: ProblemError): void {
  response.writeHead(error.status, { 'content-type': 'application/problem+json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(error.toDetails()));
}
