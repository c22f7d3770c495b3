import { existsSync } from 'node:fs';
import { Injectable } from '@nestjs/common';
import { ProblemError } from '@nix/domain';

/** Debian's chromium package. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const PRINT_TIMEOUT_MS = 30_000;

/**
 * Prints the printable report to PDF in headless Chromium, one report at a
 * time. The page gets no script and no network: the report is self-contained.
 * Without Chromium (or playwright-core, a development dependency) it answers
 * 503, and the HTML report still works.
 */
@Injectable()
export class PdfPrinter {
  private queue: Promise<unknown> = Promise.resolve();

  print(html: string): Promise<Buffer> {
    const job = this.queue.then(() => this.render(html));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async render(html: string): Promise<Buffer> {
    if (!existsSync(CHROMIUM_PATH)) throw unavailable(`${CHROMIUM_PATH} is not installed (apt-get install chromium)`);
    let chromium: typeof import('playwright-core').chromium;
    try {
      ({ chromium } = await import('playwright-core'));
    } catch {
      throw unavailable('playwright-core is not installed');
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: PRINT_TIMEOUT_MS }).catch((error: Error) => {
      throw unavailable(`Chromium did not start (${error.message.split('\n')[0]})`);
    });
    try {
      const context = await browser.newContext({ javaScriptEnabled: false });
      await context.route('**/*', (route) => route.abort());
      const page = await context.newPage();
      await page.setContent(html, { waitUntil: 'load', timeout: PRINT_TIMEOUT_MS });
      return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    } finally {
      await browser.close();
    }
  }
}

function unavailable(reason: string): ProblemError {
  return new ProblemError('pdf-unavailable', `The report cannot be printed as PDF here: ${reason}. Ask for the HTML report and print it from a browser.`);
}
