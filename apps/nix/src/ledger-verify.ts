import 'reflect-metadata';
import { ConfigurationError, loadConfig } from '@nix/config';
import { embeddedStoreDir, migrate, PgliteSqlClient, PgSqlClient, publicKeyOf, verificationReport, verifyLedger, type SqlClient } from '@nix/ledger';

/**
 * npm run ledger:verify: walks each broker instance's chain of traffic records and checks the signed checkpoints.
 * Exit code 0 on a clean ledger, 1 when anything was altered, deleted, inserted or is missing, 2 when it could not run.
 * Trusts the public key of NIX_LEDGER_SIGNING_KEY, and those listed in NIX_LEDGER_TRUSTED_KEYS (earlier keys).
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const sql: SqlClient = config.database.url ? new PgSqlClient(config.database.url, 1) : new PgliteSqlClient(embeddedStoreDir(config.paths.data));
  try {
    await migrate(sql);
    const result = await verifyLedger(sql, [publicKeyOf(config.ledger.chain.signingKey), ...config.ledger.chain.trustedKeys]);
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
