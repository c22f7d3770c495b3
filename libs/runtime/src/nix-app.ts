import { readFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { LiveCatalog } from '@nix/catalog';
import { ConfigurationError, type NixConfig } from '@nix/config';
import type { Clock } from '@nix/domain';
import { KafkaTrafficStore, type TrafficSink } from '@nix/ledger';
import {
  createKafka,
  kafkaSettingsOf,
  InProcessBus,
  InProcessClient,
  InProcessServer,
  KafkaInquiryClient,
  KafkaInquiryServer,
  trafficTopicConfig,
  type InquiryClient,
  type InquiryServer,
} from '@nix/messaging';
import { NixMetrics, PinoNestLogger } from '@nix/observability';
import { servedRegistries } from '@nix/adapter-host';
import { configureHttp, ExchangeRecorder } from '@nix/broker';
import { HttpEdge, MetricsListener, startTrafficWriter, SystemClock } from '@nix/platform';
import { loadStartup } from './startup';
import { NixModule } from './nix.module';

export const NIX_VERSION = '0.1.0';

/** The parts a NIX process can run. */
export type NixRole = 'broker' | 'adapters' | 'recorder';
export const ALL_ROLES: readonly NixRole[] = ['broker', 'adapters', 'recorder'];

export interface NixApp {
  app: NestFastifyApplication;
  metrics: NixMetrics;
  roles: ReadonlySet<NixRole>;
  /** The broker's transport client, when it runs the broker. */
  client?: InquiryClient;
  /** Serves /metrics on its own port (NIX_METRICS_HOST, NIX_METRICS_PORT) once told to listen; closes with the app. */
  metricsListener: MetricsListener;
}

export interface NixAppOptions {
  logger: Logger;
  /** Which parts to run; all by default (the embedded default). */
  roles?: readonly NixRole[];
  /** The registries whose adapters to run; all catalogued ones by default. */
  registries?: string[];
  /** Replaces the broker's traffic sink (tests). */
  sink?: TrafficSink;
  /** Replaces the system clock (tests that move time, e.g. past a sunset). */
  clock?: Clock;
}

/**
 * Assembles a NIX process. With the in-process transport the broker and
 * every adapter run together (the embedded default); with Kafka each part
 * can run alone, or all of them in one process.
 */
export async function createNixApp(config: NixConfig, options: NixAppOptions): Promise<NixApp> {
  const roles = new Set<NixRole>(options.roles ?? ALL_ROLES);
  const { logger } = options;
  const { catalog: schemas, contracts } = loadStartup(config);
  // schemas/ until the broker reads the store's catalogue; then each published change as it comes.
  const catalog = new LiveCatalog(schemas);
  const metrics = new NixMetrics({ labels: { instance: config.instanceId } });
  const clock = options.clock ?? new SystemClock();
  let client: InquiryClient | undefined;
  let kafkaClient: KafkaInquiryClient | undefined;
  let server: InquiryServer | undefined;
  let sink = options.sink;

  if (config.transport === 'in-process') {
    if (!roles.has('broker') || !roles.has('adapters')) {
      throw new ConfigurationError('environment', 'NIX_TRANSPORT', 'is in-process, which runs the broker and the adapters together; set NIX_TRANSPORT=kafka to run them apart');
    }
    roles.delete('recorder');
    const bus = new InProcessBus();
    client = new InProcessClient(bus);
    server = new InProcessServer(bus, clock);
  } else {
    const settings = kafkaSettingsOf(config);
    if (roles.has('broker')) {
      const addresses = catalog.registries.map((r) => r.address);
      client = kafkaClient = new KafkaInquiryClient({
        settings,
        logger,
        clock,
        addresses,
        observer: { lateReply: (registry) => metrics.lateReplies.inc({ registry }), unopened: (topic) => metrics.unopenedMessages.inc({ topic }) },
      });
      // Kafka takes small batches cheaply: hand records over sooner than the database would want them.
      sink ??= startTrafficWriter(new KafkaTrafficStore(createKafka(settings, logger, 'traffic'), trafficTopicConfig(settings), clock), config, metrics, clock, Math.min(config.ledger.flushIntervalMs, 50));
    }
    if (roles.has('adapters')) {
      server = new KafkaInquiryServer({
        settings,
        logger,
        clock,
        observer: {
          expired: (registry) => metrics.expiredInquiries.inc({ registry }),
          lag: (group, topic, messages) => metrics.kafkaConsumerLag.set({ group, topic }, messages),
          unopened: (topic) => metrics.unopenedMessages.inc({ topic }),
        },
      });
    }
  }

  const edge = new HttpEdge();
  const https = httpsOptionsOf(config);
  const app = await NestFactory.create<NestFastifyApplication>(
    NixModule.forRoot({
      core: { config, catalog, logger, metrics, clock },
      broker: roles.has('broker') ? { contracts, client: client!, sink } : undefined,
      // Checked here, before Nest builds anything, as the configuration and the contracts are.
      adapters: roles.has('adapters') ? { registries: servedRegistries(config, catalog, options.registries), server: server!, followStore: !roles.has('broker') } : undefined,
      recorder: roles.has('recorder'),
    }),
    // Fastify bounds each close hook by pluginTimeout (10 s by default); the shutdown drain may take NIX_SHUTDOWN_DRAIN_MS.
    new FastifyAdapter({ ...edge.serverOptions(config), ...(https ? { https } : {}), pluginTimeout: Math.max(10_000, config.shutdown.drainMs + 5_000) }),
    // No Nest body parsers: they add a form parser, and a form is a 415 here. Fastify's own JSON parser stays.
    // httpsOptions only tells Nest the protocol (getUrl): Fastify serves TLS from the adapter's options.
    { bufferLogs: true, abortOnError: false, bodyParser: false, ...(https ? { httpsOptions: https } : {}) },
  );
  app.useLogger(new PinoNestLogger(logger));
  if (roles.has('broker')) configureHttp(app, NIX_VERSION, edge);
  const fastify = app.getHttpAdapter().getInstance();
  edge.attach(fastify);
  if (roles.has('broker')) drainExchangesOnClose(fastify, app.get(ExchangeRecorder), config.shutdown.drainMs, logger);
  if (server) {
    app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
    await app.startAllMicroservices();
  }
  if (kafkaClient) {
    await kafkaClient.ready().catch((error: Error) => logger.warn({ err: error }, 'Kafka is not reachable yet; inquiries answer 503 until it is'));
  }
  await app.init();
  return { app, metrics, roles, client, metricsListener: app.get(MetricsListener) };
}

/**
 * At shutdown, once the edge turns new requests away (its preClose hook runs
 * first), waits up to NIX_SHUTDOWN_DRAIN_MS for the inquiries in flight to be
 * answered and recorded, before the listener closes and the ledger flushes.
 */
function drainExchangesOnClose(fastify: FastifyInstance, exchanges: ExchangeRecorder, drainMs: number, logger: Logger): void {
  fastify.addHook('preClose', async () => {
    if (await exchanges.drain(drainMs)) return;
    logger.warn({ inFlight: exchanges.inFlightCount, drainMs }, 'inquiries still in flight after the shutdown drain; the listener closes as their answers go out');
    // The listener closes the connections idle when it closes; these become idle later, once their answer is out.
    const reaper = setInterval(() => fastify.server.closeIdleConnections(), 100).unref();
    fastify.server.once('close', () => clearInterval(reaper));
  });
}

/**
 * HTTPS for the API listener when NIX_TLS_CERT is set; with NIX_TLS_CLIENT_CA the broker asks for client certificates
 * and Node checks them against that CA. A caller without one is still served: a key bound to a certificate then gets
 * 401 certificate-mismatch, which says more than a failed handshake.
 */
function httpsOptionsOf(config: NixConfig): { cert: Buffer; key: Buffer; ca?: Buffer; requestCert: boolean; rejectUnauthorized: false } | undefined {
  const tls = config.http.tls;
  if (!tls) return undefined;
  const ca = tls.clientCa ? readFileSync(tls.clientCa) : undefined;
  return { cert: readFileSync(tls.cert), key: readFileSync(tls.key), ...(ca ? { ca } : {}), requestCert: ca !== undefined, rejectUnauthorized: false };
}
