import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { NixConfig } from '@nix/config';
import { ProblemError } from '@nix/domain';
import type { NixMetrics } from '@nix/observability';
import type { Logger } from 'pino';
import { LOGGER, METRICS, NIX_CONFIG } from '../core/tokens';

/**
 * Prometheus scrapes GET /metrics here: a listener of its own (NIX_METRICS_HOST,
 * NIX_METRICS_PORT), never the public API port, because the series name every
 * agency and its call counts. It closes when the application shuts down.
 */
@Injectable()
export class MetricsListener implements OnApplicationShutdown {
  private server: Server | null = null;
  private boundUrl: string | null = null;

  constructor(
    @Inject(METRICS) private readonly metrics: NixMetrics,
    @Inject(NIX_CONFIG) private readonly config: NixConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Where Prometheus reaches this listener (http://host:port), once it listens. */
  get url(): string | null {
    return this.boundUrl;
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
}

function problem(response: ServerResponse, error: ProblemError): void {
  response.writeHead(error.status, { 'content-type': 'application/problem+json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(JSON.stringify(error.toDetails()));
}
