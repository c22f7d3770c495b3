import { randomBytes } from 'node:crypto';
import { createDatabase } from './local-postgres';

/** describe() when the global setup found PostgreSQL, describe.skip() otherwise (never in CI: setup fails there). */
export const describeWithPostgres = process.env.NIX_TEST_DATABASE_URL ? describe : describe.skip;

/** A fresh database for one suite on the test server. */
export function freshDatabase(prefix = 'nix'): Promise<string> {
  return createDatabase(process.env.NIX_TEST_DATABASE_URL!, `${prefix}_${randomBytes(4).toString('hex')}`);
}
