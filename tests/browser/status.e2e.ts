import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { toJalaali } from 'jalaali-js';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { MemoryTrafficLedger } from '@nix/ledger/testing';
import { describeWithBrowser, launchBrowser } from '../support/browser';
import { REPO_ROOT, schemasWithTimeouts } from '../support/fixtures';
import { eventually } from '../support/polling';
import { startFakeRegistries } from '../support/sample-registry';
import { startTestApp, type TestApp } from '../support/test-app';

const ARTIFACTS = join(REPO_ROOT, 'tests', 'artifacts');
const ADDRESS = { postalCode: '1193653471' };
const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
const persian = (n: number) => String(n).replace(/\d/g, (d) => PERSIAN_DIGITS[Number(d)]);

describeWithBrowser('the public status page in headless Chromium', () => {
  let nix: TestApp;
  let registries: Awaited<ReturnType<typeof startFakeRegistries>>;
  let browser: Browser;
  let page: Page;
  let openedAt: string;

  const text = (selector: string) => page.textContent(selector).then((t) => (t ?? '').trim());
  const card = (registry: string, service: string) => `[data-testid="service"][data-registry="${registry}"][data-service="${service}"]`;
  const ready = () => page.waitForSelector('body[data-state="ready"]');

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    registries = await startFakeRegistries();
    nix = await startTestApp(
      {
        ...registries.env,
        NIX_SCHEMAS_DIR: schemasWithTimeouts({ 'address/postal-code': 300 }),
        NIX_BREAKER_VOLUME_THRESHOLD: '3',
        // Long enough that the breaker is still open while the first pages are looked at, however busy the machine.
        NIX_BREAKER_RESET_MS: '20000',
      },
      { sink: new MemoryTrafficLedger() },
    );
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, timezoneId: 'Asia/Tehran' });
    page = await context.newPage();
    // The address registry stalls until its breaker opens: an incident.
    registries.server.fault = { kind: 'stall', ms: 1500 };
    for (let i = 0; i < 3; i++) expect((await nix.inquire('address', 'postal-code', ADDRESS)).status).toBe(504);
    expect((await nix.inquire('address', 'postal-code', ADDRESS)).status).toBe(503);
    const status = (await nix.call('GET', '/v1/status')).json;
    openedAt = status.services.find((s: any) => s.registry === 'address').recentIncidents[0].openedAt;
  });
  afterAll(async () => {
    await browser?.close();
    await nix?.close();
    await registries?.close();
  });

  it('shows every service in Persian, right to left, the failing registry down with its incident in Solar Hijri dates', async () => {
    await page.goto(`${nix.url}/status`);
    await ready();
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.getAttribute('html', 'lang')).toBe('fa');
    expect(await text('h1')).toBe('وضعیت خدمات مرکز ملی تبادل اطلاعات');

    const services = (await nix.call('GET', '/v1/status')).json.services as any[];
    const shown = await page.$$eval('[data-testid="service"]', (nodes) => nodes.map((n) => `${n.getAttribute('data-registry')}/${n.getAttribute('data-service')}`));
    expect(shown).toEqual(services.map((s) => `${s.registry}/${s.service}`));

    expect(await page.getAttribute(card('address', 'postal-code'), 'data-state')).toBe('down');
    expect(await text(`${card('address', 'postal-code')} [data-testid="state"]`)).toBe('قطع');
    expect(await page.getAttribute(card('identity', 'person'), 'data-state')).toBe('operational');
    expect(await text(`${card('identity', 'person')} [data-testid="state"]`)).toBe('برقرار');
    expect(await text(`${card('identity', 'person')} [data-testid="incidents"]`)).toBe('رخدادی ثبت نشده است');
    expect(await text(`${card('identity', 'person')} [data-testid="hours"]`)).toBe('شبانه‌روزی، همه روزهای هفته');
    // Probes are off in this app: no service has been checked.
    expect(await text(`${card('identity', 'person')} [data-testid="probe"]`)).toBe('پایش نشده است');
    expect(await text('[data-testid="overall"]')).toBe('۱ خدمت به‌طور کامل برقرار نیست');

    const incident = `${card('address', 'postal-code')} [data-testid="incident"]`;
    expect(await page.$$(incident)).toHaveLength(1);
    expect(await page.getAttribute(incident, 'data-opened-at')).toBe(openedAt);
    expect(await page.isVisible(`${incident} [data-testid="incident-ongoing"]`)).toBe(true);
    // The opening time in the Solar Hijri calendar, Tehran time, with Persian digits.
    const tehran = DateTime.fromISO(openedAt, { zone: 'Asia/Tehran' });
    const jalali = toJalaali(tehran.year, tehran.month, tehran.day);
    const opened = await text(`${incident} time`);
    expect(opened).toContain(persian(jalali.jy));
    expect(opened).toContain(persian(jalali.jd));
    expect(opened).not.toContain(persian(tehran.year));
    expect(opened).not.toMatch(/[0-9]/);
    await page.screenshot({ path: join(ARTIFACTS, 'status-fa.png'), fullPage: true });
  });

  it('switches to English, left to right, with Gregorian dates, and saves a screenshot', async () => {
    await page.click('[data-testid="language-switch"]');
    await page.waitForSelector('html[lang="en"][dir="ltr"]');
    expect(await text('h1')).toBe('National Information Exchange — service status');
    expect(await text(`${card('address', 'postal-code')} [data-testid="state"]`)).toBe('Down');
    expect(await text(`${card('identity', 'person')} [data-testid="state"]`)).toBe('Operational');
    const incident = `${card('address', 'postal-code')} [data-testid="incident"]`;
    expect(await text(`${incident} [data-testid="incident-ongoing"]`)).toBe('ongoing');
    expect(await text('[data-testid="overall"]')).toBe('1 service is not fully operational');
    const opened = await text(`${incident} time`);
    const tehran = DateTime.fromISO(openedAt, { zone: 'Asia/Tehran' });
    expect(opened).toContain(String(tehran.year));
    expect(opened).toContain(String(tehran.day));
    expect(await text(`${card('identity', 'person')} [data-testid="hours"]`)).toBe('Around the clock, every day');
    expect(await text(`${card('identity', 'person')} [data-testid="probe"]`)).toBe('Not checked');
    await page.screenshot({ path: join(ARTIFACTS, 'status-en.png'), fullPage: true });
  });

  it('shows the incident closed and the service operational once the registry recovers (English kept on reload)', async () => {
    registries.server.fault = { kind: 'none' };
    await eventually(
      async () => {
        await nix.inquire('address', 'postal-code', ADDRESS);
        return (await nix.call('GET', '/v1/status')).json.services.find((s: any) => s.registry === 'address');
      },
      (s) => s.state === 'operational' && s.recentIncidents[0].closedAt !== null,
      90_000,
    );
    await page.reload();
    await ready();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.getAttribute(card('address', 'postal-code'), 'data-state')).toBe('operational');
    const incident = `${card('address', 'postal-code')} [data-testid="incident"]`;
    expect(await page.$$(incident)).toHaveLength(1);
    expect(await page.$$(`${incident} time`)).toHaveLength(2);
    expect(await page.isVisible(`${incident} [data-testid="incident-ongoing"]`)).toBe(false);
    expect(await text('[data-testid="overall"]')).toBe('All services are operational');
  }, 120_000);

  it('shows announced hours and maintenance, in both languages (the document as a catalogue with notices would give it)', async () => {
    const real = (await nix.call('GET', '/v1/status')).json;
    const person = real.services.find((s: any) => s.registry === 'identity' && s.service === 'person');
    Object.assign(person, {
      state: 'maintenance',
      hours: [{ days: ['sat', 'sun'], from: '08:00', until: '16:00' }],
      upcomingMaintenance: [{ from: '2026-12-01T18:30:00Z', until: '2026-12-01T20:30:00Z', note: { fa: 'ارتقای پایگاه', en: 'Database upgrade' } }],
    });
    await page.route('**/v1/status', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(real) }));
    await page.reload();
    await ready();
    const person$ = card('identity', 'person');
    expect(await text(`${person$} [data-testid="state"]`)).toBe('Under maintenance');
    expect(await text(`${person$} [data-testid="hours"]`)).toBe('Saturday, Sunday 08:00–16:00 (Tehran time)');
    expect(await text(`${person$} [data-testid="maintenance-window"]`)).toMatch(/^from .*2026.* until .*2026.*: Database upgrade$/);
    await page.click('[data-testid="language-switch"]');
    await page.waitForSelector('html[lang="fa"][dir="rtl"]');
    expect(await text(`${person$} [data-testid="state"]`)).toBe('در حال تعمیر');
    expect(await text(`${person$} [data-testid="hours"]`)).toBe('شنبه، یکشنبه 08:00–16:00 (به وقت تهران)');
    // 1 December 2026, 22:00 Tehran time, is 10 Azar 1405.
    expect(await text(`${person$} [data-testid="maintenance-window"]`)).toMatch(/^از .*۱۰.*۱۴۰۵.* تا .*: ارتقای پایگاه$/);
    await page.unroute('**/v1/status');
  });
});
