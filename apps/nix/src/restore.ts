import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigurationError, loadConfig } from '@nix/config';
import { restoreEmbeddedStore } from '@nix/ledger';

/**
 * npm run restore -- FILE: restores a backup of the embedded store (npm run backup) into NIX_DATA_DIR, which must be
 * empty or absent; then start NIX on it. PostgreSQL is restored with its own tools (deploy/postgres/README.md).
 */
async function main(): Promise<void> {
  const { positionals } = parseArgs({ allowPositionals: true, options: {} });
  if (positionals.length !== 1) {
    process.stderr.write('usage: npm run restore -- FILE (into NIX_DATA_DIR, which must be empty)\n');
    process.exit(2);
  }
  const config = loadConfig();
  if (config.database.url) throw new Error('DATABASE_URL is set: PostgreSQL is restored from its base backup and WAL archive (deploy/postgres/README.md), not by this script');
  const started = Date.now();
  const restored = await restoreEmbeddedStore(readFileSync(resolve(positionals[0])), config.paths.data);
  const chains = restored.chains.map((c) => `${c.instance} at ${c.seq}`).join(', ') || 'none';
  process.stdout.write(
    `restored ${positionals[0]} into ${config.paths.data} in ${((Date.now() - started) / 1000).toFixed(2)} s: ` +
      `${restored.trafficRecords} traffic records, ${restored.auditEntries} governance audit entries, governance version ${restored.governanceVersion}; chains continue: ${chains}\n`,
  );
}

main().catch((error: Error) => {
  process.stderr.write(`${error instanceof ConfigurationError ? 'NIX cannot restore' : 'restore failed'}: ${error.message}\n`);
  process.exit(1);
});
