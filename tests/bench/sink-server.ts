/**
 * A measurement only, never a way to run NIX: the embedded default with its
 * ledger replaced by a sink that drops every record, so that the benchmark
 * can tell what the ledger costs per inquiry (issue 15).
 *
 *   PORT=3999 NIX_DATA_DIR=/tmp/x node -r ./tests/bench/register.js tests/bench/sink-server.ts
 */
import { loadConfig } from '@nix/config';
import type { TrafficRecord } from '@nix/domain';
import type { TrafficSink } from '@nix/ledger';
import { createLogger } from '@nix/observability';
import { createNixApp, ROLE_DEFAULTS } from '@nix/runtime';

class DroppingSink implements TrafficSink {
  dropped = 0;
  record(_record: TrafficRecord): void {
    this.dropped++;
  }
  async flush(): Promise<void> {}
}

async function main(): Promise<void> {
  const config = loadConfig(process.env, ROLE_DEFAULTS.nix);
  const logger = createLogger({ level: config.log.level, instanceId: config.instanceId });
  const { app, metricsListener } = await createNixApp(config, { logger, sink: new DroppingSink() });
  await app.listen({ port: config.http.port, host: config.http.host });
  await metricsListener.listen();
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
