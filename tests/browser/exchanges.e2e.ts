import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeWithBrowser, launchBrowser } from '../support/browser';
import { DEMO_HEADERS, startTestApp, type TestApp } from '../support/test-app';

const PERSON = { nationalId: '0067749828', birthDate: '1988-03-21' };

/** What each language's page says of an exchange, as the user reads it. */
const SEEN = {
  fa: { heading: 'پیگیری تبادل با کد رهگیری', ok: 'موفق (200)', firstStep: 'دریافت', lastStep: 'پاسخ', arrow: ' ← ', noData: 'داده‌ای نیست' },
  en: { heading: 'Follow an exchange by tracking code', ok: 'ok (200)', firstStep: 'received', lastStep: 'responded', arrow: ' → ', noData: 'No data' },
} as const;

/** The agency's page finds its exchanges by tracking code (R9), in Persian and in English. */
describeWithBrowser('following an exchange on the dashboard, in headless Chromium', () => {
  let nix: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    nix = await startTestApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await nix?.close();
  });

  describe.each(['fa', 'en'] as const)('in %s', (lang) => {
    const seen = SEEN[lang];
    let context: BrowserContext;
    let page: Page;

    beforeAll(async () => {
      context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, timezoneId: 'Asia/Tehran' });
      page = await context.newPage();
      await page.goto(`${nix.url}/dashboard`);
      await page.waitForSelector('body[data-state="signed-out"]');
      if (lang === 'en') {
        await page.click('[data-testid="language-switch"]');
        await page.waitForSelector('html[lang="en"][dir="ltr"]');
      }
      await page.fill('#api-key', 'demo-key');
      await page.click('#key-form button[type="submit"]');
      await page.waitForSelector('body[data-governance="ready"]');
      await page.waitForSelector('body[data-state="ready"]');
      await page.click('#views button[data-view="agency"]');
      await page.waitForSelector('main[data-view="agency"]:not([hidden])');
    });
    afterAll(async () => {
      await context?.close();
    });

    it('finds the exchanges of a tracking code, with their result and steps', async () => {
      const code = `CASE-${lang}-1405`;
      const answer = await nix.inquire('identity', 'person', PERSON, { ...DEMO_HEADERS, 'x-tracking-code': code });
      expect(answer.status).toBe(200);
      await nix.flushLedger();
      expect((await page.textContent('[data-testid="track-exchange"] h2'))?.trim()).toBe(seen.heading);
      await page.fill('[data-testid="tracking-code"]', code);
      await page.click('[data-testid="track-submit"]');
      const row = `[data-testid="tracked-exchanges"] tr[data-key="${answer.headers['x-exchange-id']}"]`;
      await page.waitForSelector(row);
      expect((await page.textContent(`${row} td[data-field="result"]`))?.trim()).toBe(seen.ok);
      const steps = ((await page.textContent(`${row} td[data-field="steps"]`)) ?? '').split(seen.arrow).map((s) => s.split(' ')[0]);
      expect(steps[0]).toBe(seen.firstStep);
      expect(steps.at(-1)).toBe(seen.lastStep);
      expect(steps).toHaveLength(5);
      expect((await page.textContent(`${row} td[data-field="exchangeId"]`))?.trim()).toBe(answer.headers['x-exchange-id']);
    });

    it('shows no exchange for an unknown code, and the problem for an empty one', async () => {
      await page.fill('[data-testid="tracking-code"]', `NO-SUCH-${lang}`);
      await page.click('[data-testid="track-submit"]');
      await page.waitForFunction(
        (noData) => (globalThis as any).document.querySelector('[data-testid="tracked-exchanges"] tbody')?.textContent?.trim() === noData,
        seen.noData,
      );
      await page.fill('[data-testid="tracking-code"]', '');
      await page.click('[data-testid="track-submit"]');
      await page.waitForSelector('[data-testid="problem"]:not([hidden])');
      expect(await page.textContent('[data-testid="problem"]')).toMatch(/^400 /);
    });
  });
});
