import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@nix/broker';

/**
 * Debian's Chromium for the browser suites. In CI a missing browser fails the
 * run; elsewhere those suites are skipped, loudly.
 */
const installed = existsSync(CHROMIUM_PATH);
if (!installed) {
  if (process.env.CI) throw new Error(`CI needs Chromium for the browser suites and ${CHROMIUM_PATH} is missing (apt-get install -y chromium)`);
  process.stderr.write(`\n*** browser suites SKIPPED: ${CHROMIUM_PATH} is not installed (apt-get install -y chromium)\n`);
}

export const describeWithBrowser = installed ? describe : describe.skip;

export async function launchBrowser(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
