import 'reflect-metadata';
import { ConfigurationError, loadConfig, TOOL_DEFAULTS } from '@nix/config';
import { embeddedStoreDir, migrate, PgliteSqlClient, PgSqlClient, type SqlClient } from '@nix/ledger';

/** npm run migrate: brings the ledger's schema up to date (DATABASE_URL, or the embedded store) and exits. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, TOOL_DEFAULTS);
  const sql: SqlClient = config.database.url ? new PgSqlClient(config.database.url, 1) : new PgliteSqlClient(embeddedStoreDir(config.paths.data));
  try {
    const applied = await migrate(sql);
    process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'the ledger schema is up to date\n');
  } finally {
    await sql.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error instanceof ConfigurationError ? 'NIX cannot migrate' : 'migration failed'}: ${error.message}\n`);
  process.exit(1);
});
