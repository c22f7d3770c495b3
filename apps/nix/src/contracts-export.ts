import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigurationError, loadConfig, TOOL_DEFAULTS } from '@nix/config';
import { GovernanceRepository } from '@nix/governance';
import { embeddedStoreDir, migrate, PgliteSqlClient, PgSqlClient, type SqlClient } from '@nix/ledger';

/** npm run contracts:export -- --out DIR: writes the governance store as the YAML files contracts/ holds. */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  if (!values.out) {
    process.stderr.write('usage: npm run contracts:export -- --out DIR\n');
    process.exit(2);
  }
  const out = resolve(values.out);
  const config = loadConfig(process.env, TOOL_DEFAULTS);
  const sql: SqlClient = config.database.url ? new PgSqlClient(config.database.url, 1) : new PgliteSqlClient(embeddedStoreDir(config.paths.data));
  try {
    await migrate(sql);
    const files = await new GovernanceRepository(sql).exportContracts();
    for (const file of files) {
      mkdirSync(dirname(join(out, file.path)), { recursive: true });
      writeFileSync(join(out, file.path), file.content);
    }
    process.stdout.write(`exported ${files.length} contract files to ${out}\n`);
  } finally {
    await sql.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error instanceof ConfigurationError ? 'NIX cannot export the contracts' : 'contracts export failed'}: ${error.message}\n`);
  process.exit(1);
});
