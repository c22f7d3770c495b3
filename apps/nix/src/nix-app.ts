import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import type { NixConfig } from '@nix/config';
import { InProcessBus, InProcessClient, InProcessServer } from '@nix/messaging';
import type { TrafficSink } from '@nix/ledger';
import { NixMetrics } from '@nix/observability';
import { AdapterModule } from '@nix/apps/adapter/src/adapter.module';
import { BrokerModule } from '@nix/apps/broker/src/broker.module';
import { SystemClock } from '@nix/apps/broker/src/core/system-clock';
import { configureHttp } from '@nix/apps/broker/src/http/http-setup';
import { loadStartup } from '@nix/apps/broker/src/startup';

export const NIX_VERSION = '0.1.0';

export interface NixApp {
  app: NestFastifyApplication;
  metrics: NixMetrics;
}

export interface NixAppOptions {
  logger: Logger;
  sink?: TrafficSink;
}

/**
 * The embedded default: broker and every adapter in one process, joined by
 * the in-process transport, answering from the sample registries unless
 * configured otherwise.
 */
export async function createNixApp(config: NixConfig, options: NixAppOptions): Promise<NixApp> {
  const { catalog, contracts } = loadStartup(config);
  const metrics = new NixMetrics({ labels: { instance: config.instanceId } });
  const bus = new InProcessBus();
  const clock = new SystemClock();
  const app = await NestFactory.create<NestFastifyApplication>(
    BrokerModule.forRoot({
      config,
      catalog,
      contracts,
      logger: options.logger,
      metrics,
      client: new InProcessClient(bus),
      sink: options.sink,
      imports: [AdapterModule.forRegistries({ config, catalog, clock })],
    }),
    new FastifyAdapter({ bodyLimit: config.http.bodyLimit, trustProxy: config.http.trustProxy }),
    { bufferLogs: true, abortOnError: false },
  );
  app.useLogger(app.get(PinoNestLogger));
  configureHttp(app, NIX_VERSION);
  app.connectMicroservice({ strategy: new InProcessServer(bus, () => clock.now()) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.init();
  return { app, metrics };
}
