import 'reflect-metadata';
import { EventTypeCatalog, ServiceCatalog } from '@nix/catalog';
import { ConfigurationError, loadConfig, TOOL_DEFAULTS } from '@nix/config';
import { loadContracts } from '@nix/contracts';
import { GovernanceRepository } from '@nix/governance';
import { embeddedStoreDir, migrate, PgliteSqlClient, PgSqlClient, type SqlClient } from '@nix/ledger';

/** npm run contracts:import: reads contracts/ (NIX_CONTRACTS_DIR) into the governance store, upserting and auditing each change. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, TOOL_DEFAULTS);
  const set = loadContracts(config.paths.contracts, ServiceCatalog.load(config.paths.schemas), {
    production: config.production,
    eventTypes: EventTypeCatalog.load(config.paths.schemas),
  });
  const sql: SqlClient = config.database.url ? new PgSqlClient(config.database.url, 1) : new PgliteSqlClient(embeddedStoreDir(config.paths.data));
  try {
    await migrate(sql);
    const summary = await new GovernanceRepository(sql).importContracts(set);
    process.stdout.write(
      `imported ${summary.agencies} agencies, ${summary.apiKeys} API keys and ${summary.agreements} agreements from ${config.paths.contracts}: ${summary.changed} changed\n`,
    );
  } finally {
    await sql.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error instanceof ConfigurationError ? 'NIX cannot import the contracts' : 'contracts import failed'}: ${error.message}\n`);
  process.exit(1);
});
