import 'reflect-metadata';
import { ConfigurationError, loadConfig, type NixConfig, type RoleDefaults } from '@nix/config';
import { createLogger } from '@nix/observability';
import type { Logger } from 'pino';
import { createNixApp, type NixRole } from './nix-app';

/**
 * Runs a NIX process: checks the configuration once (a bad one stops the
 * process with a clear message), serves HTTP, and on SIGTERM or SIGINT stops
 * accepting, drains in-flight inquiries, flushes traffic records and exits 0.
 */
export async function runNix(name: string, defaults: RoleDefaults, roles?: NixRole[], registries?: string[]): Promise<void> {
  let config: NixConfig;
  try {
    config = loadConfig(process.env, defaults);
  } catch (error) {
    return stop(error);
  }
  const logger = createLogger({ level: config.log.level, instanceId: config.instanceId });
  for (const warning of config.warnings) logger.warn(warning);
  try {
    const { app, roles: running, metricsListener } = await createNixApp(config, { logger, roles, registries });
    let closing = false;
    const shutdown = async (signal: string) => {
      if (closing) return;
      closing = true;
      logger.info({ signal }, `${name} is shutting down: draining in-flight inquiries`);
      // Inquiries are bounded by their deadlines; this bounds the whole shutdown.
      setTimeout(() => {
        logger.error('shutdown took too long; exiting');
        logger.flush();
        process.exit(1);
      }, config.shutdown.drainMs + 15_000).unref();
      try {
        await app.close();
        logger.info(`${name} stopped cleanly`);
        logger.flush();
        process.exit(0);
      } catch (error) {
        logger.error({ err: error }, 'shutdown failed');
        logger.flush();
        process.exit(1);
      }
    };
    process.on('SIGTERM', () => void shutdown('SIGTERM'));
    process.on('SIGINT', () => void shutdown('SIGINT'));
    await app.listen({ port: config.http.port, host: config.http.host });
    // Metrics have their own listener, on loopback unless NIX_METRICS_HOST says otherwise: never the API port.
    const metricsUrl = await metricsListener.listen();
    logger.info({ port: config.http.port, metrics: `${metricsUrl}/metrics`, transport: config.transport, roles: [...running] }, `${name} is listening`);
  } catch (error) {
    return stop(error, logger);
  }
}

function stop(error: unknown, logger?: Logger): never {
  if (error instanceof ConfigurationError) {
    process.stderr.write(`NIX cannot start: ${error.message}\n`);
  } else if (logger) {
    logger.fatal({ err: error }, 'NIX failed to start');
    logger.flush();
  } else {
    process.stderr.write(`NIX failed to start: ${(error as Error).stack ?? error}\n`);
  }
  process.exit(1);
}
