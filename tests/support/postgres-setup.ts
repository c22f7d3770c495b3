import { startLocalPostgres, type LocalPostgres } from './local-postgres';

declare global {
  var __nixPostgres: LocalPostgres | undefined;
}

/**
 * Jest global setup of the suites that need PostgreSQL: DATABASE_URL if set,
 * otherwise a throwaway cluster from the installed server. In CI a missing
 * PostgreSQL fails the run; elsewhere those suites are skipped, loudly.
 */
export default async function setup(): Promise<void> {
  if (process.env.NIX_TEST_DATABASE_URL) return;
  if (process.env.DATABASE_URL) {
    process.env.NIX_TEST_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  try {
    globalThis.__nixPostgres = await startLocalPostgres();
    process.env.NIX_TEST_DATABASE_URL = globalThis.__nixPostgres.url;
    process.env.NIX_TEST_POSTGRES_DIR = globalThis.__nixPostgres.dataDir;
    process.stderr.write(`\nPostgreSQL for the tests: ${globalThis.__nixPostgres.url}\n`);
  } catch (error) {
    if (process.env.CI) throw new Error(`CI needs PostgreSQL and none could be started: ${(error as Error).message}`);
    process.stderr.write(`\n*** PostgreSQL suites SKIPPED: ${(error as Error).message}\n`);
  }
}
