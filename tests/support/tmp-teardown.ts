import { rmSync } from 'node:fs';

/** Removes the run's temporary directory (tmp-setup). */
export default function tearDownRunTmp(): void {
  const root = process.env.NIX_TEST_RUN_TMP;
  if (root) rmSync(root, { recursive: true, force: true });
}
