import 'reflect-metadata';
import { ConfigurationError, loadConfig } from '@nix/config';
import { createLogger } from '@nix/observability';
import { createNixApp } from './nix-app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`NIX cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ level: config.log.level, instanceId: config.instanceId });
  for (const warning of config.warnings) logger.warn(warning);
  try {
    const { app } = await createNixApp(config, { logger });
    app.enableShutdownHooks();
    await app.listen({ port: config.http.port, host: config.http.host });
    logger.info({ port: config.http.port, transport: config.transport }, 'NIX embedded default is listening');
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`NIX cannot start: ${error.message}\n`);
      process.exit(1);
    }
    logger.fatal({ err: error }, 'NIX failed to start');
    logger.flush();
    process.exit(1);
  }
}

void main();
