import 'reflect-metadata';
import { ConfigurationError, loadConfig, TOOL_DEFAULTS } from '@nix/config';
import { embeddedStoreDir, migrate, PgliteSqlClient, PgSqlClient, publicKeyOf, verificationReport, verifyLedger, type SqlClient } from '@nix/ledger';

/**
 * npm run ledger:verify: walks each broker instance's chain of traffic records and checks the signed checkpoints.
 * Exit code 0 on a clean ledger, 1 when anything was altered, deleted, inserted or is missing, 2 when it could not run.
 * Trusts the public keys listed in NIX_LEDGER_TRUSTED_KEYS (every broker's, and earlier ones), and that of
 * NIX_LEDGER_SIGNING_KEY when given: verifying needs no private key.
 */
async function main(): Promise<number> {
  const config = loadConfig(process.env, TOOL_DEFAULTS);
  const sql: SqlClient = config.database.url ? new PgSqlClient(config.database.url, 1) : new PgliteSqlClient(embeddedStoreDir(config.paths.data));
  try {
    await migrate(sql);
    const { signingKey, trustedKeys } = config.ledger.chain;
    const trusted = [...(signingKey ? [publicKeyOf(signingKey)] : []), ...trustedKeys];
    if (trusted.length === 0) throw new ConfigurationError('environment', 'NIX_LEDGER_TRUSTED_KEYS', "is empty: list the brokers' checkpoint public keys (or give NIX_LEDGER_SIGNING_KEY)");
    const result = await verifyLedger(sql, trusted);
    process.stdout.write(`${verificationReport(result).join('\n')}\n`);
    return result.ok ? 0 : 1;
  } finally {
    await sql.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`${error instanceof ConfigurationError ? 'NIX cannot verify the ledger' : 'ledger verification failed to run'}: ${error.message}\n`);
    process.exit(2);
  },
);
