import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One temporary directory per test run: every suite's mkdtemp (data directories, contracts, PKIs, clusters) lands
 * under it, since the workers start after this and inherit TMPDIR, and tmp-teardown removes it whole. Suites read
 * some of their directories after their app stops, so they cannot all remove their own.
 */
export default function setUpRunTmp(): void {
  const root = mkdtempSync(join(tmpdir(), 'nix-test-run-'));
  // As /tmp is: the PostgreSQL suites run initdb as the postgres user, who must make its cluster here too.
  chmodSync(root, 0o1777);
  process.env.NIX_TEST_RUN_TMP = root;
  process.env.TMPDIR = root;
}
