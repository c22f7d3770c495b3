import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { toJalaali } from 'jalaali-js';
import { DateTime } from 'luxon';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ParcelRegistryServer } from '@nix/registries/testing';
import { describeWithBrowser, launchBrowser } from '../support/browser';
import { parcelVersion } from '../support/parcel-publishing';
import { REPO_ROOT } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

const ARTIFACTS = join(REPO_ROOT, 'tests', 'artifacts');
const WG = { authorization: 'Bearer demo-wg-key' };
const ZONE = 'Asia/Tehran';
const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
const persian = (n: number) => String(n).replace(/\d/g, (d) => PERSIAN_DIGITS[Number(d)]);

/** What each language's page says, as the user reads it. */
const SEEN = {
  fa: { dir: 'rtl', operational: 'برقرار', maintenance: 'در حال تعمیر و نگهداری', aroundTheClock: 'شبانه‌روزی، همه روزهای هفته', loaNone: 'ندارد (پاسخ هویتی نیست)', deprecated: 'منسوخ', hoursParcel: 'شنبه، یکشنبه، دوشنبه، سه‌شنبه، چهارشنبه ۰۸:۰۰–۱۶:۰۰ (به وقت تهران)' },
  en: { dir: 'ltr', operational: 'operational', maintenance: 'in maintenance', aroundTheClock: 'Around the clock, every day', loaNone: 'none (not an identity answer)', deprecated: 'deprecated', hoursParcel: 'Sat, Sun, Mon, Tue, Wed 08:00–16:00 (Tehran time)' },
} as const;

/** cadastre/parcel as its custodian types it into the page, its request example given. */
const parcelVersionWith = (registryUrl: string, requestExample = 'P-17') =>
  parcelVersion(registryUrl, { request: { ...parcelVersion(registryUrl).request, examples: [{ parcelId: requestExample }] } });

/** A Tehran wall-clock time as a datetime-local input takes it, and the instant it names. */
function tehranInput(from: DateTime): { input: string; iso: string } {
  const local = from.setZone(ZONE).startOf('minute');
  return { input: local.toFormat("yyyy-LL-dd'T'HH:mm"), iso: local.toUTC().toISO({ suppressMilliseconds: false })! };
}

describeWithBrowser('the catalogue pages in headless Chromium', () => {
  const registry = new ParcelRegistryServer();
  let registryUrl = '';
  let nix: TestApp;
  let browser: Browser;
  let custodianKey = '';

  const api = async (path: string, headers: Record<string, string> = {}) => {
    const response = await nix.call('GET', path, { headers });
    expect(response.status).toBe(200);
    return response.json;
  };
  const text = (page: Page, selector: string) => page.textContent(selector).then((t) => (t ?? '').trim());
  const card = (registryName: string, service: string) => `[data-testid="catalogue-service"][data-registry="${registryName}"][data-service="${service}"]`;

  async function newContext(lang: 'fa' | 'en'): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1300, height: 1000 }, timezoneId: ZONE });
    if (lang === 'en') {
      // The language is the one preference the page keeps across tabs (localStorage).
      const first = await context.newPage();
      await first.goto(`${nix.url}/dashboard`);
      await first.click('[data-testid="language-switch"]');
      await first.waitForSelector('html[lang="en"][dir="ltr"]');
      await first.close();
    }
    return context;
  }

  /** The catalogue as a visitor without a key opens it: from the tab beside the sign-in form. */
  async function openCatalogue(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${nix.url}/dashboard`);
    await page.waitForSelector('body[data-state="signed-out"]');
    expect(await page.isVisible('#sign-in')).toBe(true);
    await page.click('#views button[data-view="catalogue"]');
    await page.waitForSelector('body[data-catalogue="ready"]');
    expect(await page.isVisible('[data-testid="view-catalogue"]')).toBe(true);
    expect(await page.isVisible('#sign-in')).toBe(false);
    return page;
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    registryUrl = await registry.listen();
    nix = await startTestApp();
    // The working group registers the cadastre's custodian and its registry, and issues the custodian a key.
    expect((await nix.call('POST', '/v1/agencies', { headers: WG, body: { id: 'national-cadastre', name: { fa: 'سازمان ثبت اسناد - کاداستر', en: 'National cadastre' }, roles: ['provider'] } })).status).toBe(201);
    const issued = await nix.call('POST', '/v1/agencies/national-cadastre/keys', { headers: WG, body: {} });
    expect(issued.status).toBe(201);
    custodianKey = issued.json.key;
    const registered = await nix.call('PUT', '/v1/registries/cadastre', {
      headers: WG,
      body: { custodian: 'national-cadastre', title: { fa: 'کاداستر', en: 'Cadastre' }, description: { fa: 'قطعات زمین', en: 'Land parcels' } },
    });
    expect(registered.status).toBe(200);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await nix?.close();
    await registry.close();
  });

  describe.each(['fa', 'en'] as const)('in %s, without a key', (lang) => {
    const seen = SEEN[lang];

    it('lists every service with its versions, LOA, hours, data-protection statement, status and schemas', async () => {
      const context = await newContext(lang);
      const page = await openCatalogue(context);
      expect(await page.getAttribute('html', 'dir')).toBe(seen.dir);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      const labels = await page.$$eval('[data-i18n]', (elements) => elements.map((e) => [e.getAttribute('data-i18n'), (e.textContent ?? '').trim()]));
      expect(labels.filter(([, words]) => words === '' || words.includes('[object'))).toEqual([]);

      const services = (await api('/v1/services')).services as { registry: string; service: string; title: { fa: string; en: string } }[];
      const shown = await page.$$eval('[data-testid="catalogue-service"]', (nodes) => nodes.map((n) => `${n.getAttribute('data-registry')}/${n.getAttribute('data-service')}`));
      expect(shown).toEqual(services.map((s) => `${s.registry}/${s.service}`));
      const status = (await api('/v1/status')).services as { registry: string; service: string; state: string }[];
      for (const s of services) {
        const versions = (await api(`/v1/services/${s.registry}/${s.service}/versions`)).versions;
        const newest = versions[versions.length - 1];
        const at = card(s.registry, s.service);
        expect(await text(page, `${at} h3`)).toContain(s.title[lang]);
        expect(await page.getAttribute(`${at} [data-testid="loa"]`, 'data-value')).toBe(newest.loa ?? '');
        expect(await page.getAttribute(`${at} [data-testid="statement"]`, 'href')).toBe(newest.dataProtectionStatement);
        expect(await page.getAttribute(at, 'data-state')).toBe(status.find((t) => t.registry === s.registry && t.service === s.service)!.state);
        expect(await page.$$eval(`${at} [data-testid="version"]`, (nodes) => nodes.map((n) => n.getAttribute('data-version')))).toEqual(versions.map((v: { version: string }) => v.version));
      }
      const person = card('identity', 'person');
      const personVersion = (await api('/v1/services/identity/person/versions')).versions.at(-1);
      expect(personVersion.hours).toBe('24x7');
      expect(await text(page, `${person} [data-testid="hours"]`)).toBe(seen.aroundTheClock);
      expect(await text(page, `${person} [data-testid="service-state"]`)).toBe(seen.operational);

      // The schemas and examples are folded until opened, then readable JSON.
      const request = `${person} [data-testid="version"]:last-child [data-testid="request-schema"]`;
      expect(await page.isVisible(`${request} pre`)).toBe(false);
      await page.click(`${request} summary`);
      expect(JSON.parse(await text(page, `${request} pre`))).toEqual(personVersion.request);
      await page.click(`${person} [data-testid="version"]:last-child [data-testid="examples"] summary`);
      expect(JSON.parse(await text(page, `${person} [data-testid="version"]:last-child [data-testid="examples"] pre`))).toEqual({ request: personVersion.request.examples, response: personVersion.response.examples });
      await page.screenshot({ path: join(ARTIFACTS, `catalogue-${lang}.png`), fullPage: true });
      await context.close();
    });
  });

  describe("the cadastre's custodian, on its own page", () => {
    let context: BrowserContext;
    let page: Page;
    const sunset = tehranInput(DateTime.now().plus({ days: 30 }));
    const maintenanceFrom = tehranInput(DateTime.now().minus({ minutes: 1 }));
    const maintenanceUntil = tehranInput(DateTime.now().plus({ hours: 3 }));
    const versionsOf = async () => (await api('/v1/services/cadastre/parcel/versions', { authorization: `Bearer ${custodianKey}` })).versions;

    beforeAll(async () => {
      context = await newContext('fa');
      page = await context.newPage();
      await page.goto(`${nix.url}/dashboard`);
      await page.waitForSelector('body[data-state="signed-out"]');
      await page.fill('#api-key', custodianKey);
      await page.click('#key-form button[type="submit"]');
      await page.waitForSelector('body[data-state="ready"]');
    });
    afterAll(async () => {
      await context?.close();
    });

    it('opens the publishing page for a custodian whose registry has no service yet, with the catalogue beside it', async () => {
      expect(await page.isVisible('#views button[data-view="publishing"]')).toBe(true);
      expect(await page.isVisible('#views button[data-view="catalogue"]')).toBe(true);
      for (const view of ['agency', 'working-group', 'sign-in']) expect(await page.isVisible(`#views button[data-view="${view}"]`)).toBe(false);
      await page.click('#views button[data-view="publishing"]');
      await page.waitForSelector('[data-testid="view-publishing"]:not([hidden])');
      expect(await page.inputValue('[data-testid="publish-registry"]')).toBe('cadastre');
      expect(await text(page, '[data-testid="publishing-versions"]')).toBe('هنوز نسخه‌ای منتشر نشده است');
    });

    it('shows a refused publication’s error next to the editor, and publishes nothing', async () => {
      await page.fill('[data-testid="publish-service"]', 'parcel');
      await page.press('[data-testid="publish-service"]', 'Tab');
      await page.waitForSelector('#publish-form[data-service="cadastre/parcel"]');
      await page.fill('[data-testid="publish-version"]', '1.0.0');
      await page.fill('[data-testid="publish-body"]', JSON.stringify(parcelVersionWith(registryUrl, 'P-404'), null, 2));
      await page.click('[data-testid="publish-submit"]');
      await page.waitForSelector('#publish-form[data-state="refused"]');
      const error = '[data-testid="publish-errors"] [data-testid="field-error"]';
      expect(await page.getAttribute(error, 'data-pointer')).toBe('/request/examples/0');
      expect(await text(page, error)).toMatch(/404/);
      expect(await page.isVisible(error)).toBe(true);
      await page.screenshot({ path: join(ARTIFACTS, 'catalogue-publish-refused.png'), fullPage: true });
      expect((await nix.call('GET', '/v1/services/cadastre/parcel/versions')).status).toBe(404);
    });

    it('publishes 1.0.0 against the registry, then 1.1.0 from the editor filled from it', async () => {
      await page.fill('[data-testid="publish-body"]', JSON.stringify(parcelVersion(registryUrl), null, 2));
      await page.click('[data-testid="publish-submit"]');
      await page.waitForSelector('#publish-form[data-state="done"]');
      expect(await page.isVisible('[data-testid="publish-errors"]')).toBe(false);
      expect(await text(page, '[data-testid="publish-done"]')).toContain('1.0.0');
      expect((await versionsOf()).map((v: { version: string }) => v.version)).toEqual(['1.0.0']);

      // The editor now holds 1.0.0 as published (its binding included) and offers the next minor version.
      expect(JSON.parse(await page.inputValue('[data-testid="publish-body"]'))).toEqual(parcelVersion(registryUrl));
      expect(await page.getAttribute('[data-testid="publish-version"]', 'placeholder')).toBe('1.1.0');
      await page.click('[data-testid="publish-submit"]');
      await page.waitForSelector('#publish-form[data-state="done"]');
      await page.waitForFunction('document.querySelector(\'[data-testid="publish-done"]\').textContent.includes("1.1.0")');
      expect((await versionsOf()).map((v: { version: string }) => v.version)).toEqual(['1.0.0', '1.1.0']);
      expect(await text(page, '[data-testid="publishing-versions"]')).toBe('1.0.0، 1.1.0');
      const listed = (await api('/v1/services')).services.find((s: { registry: string }) => s.registry === 'cadastre');
      expect(listed).toMatchObject({ service: 'parcel', version: '1.1.0' });
    });

    it('deprecates 1.0.0 with a sunset and its successor, after naming a bad sunset next to its input', async () => {
      await page.selectOption('[data-testid="deprecate-version"]', '1.0.0');
      await page.selectOption('[data-testid="deprecate-successor"]', '1.1.0');
      await page.fill('[data-testid="deprecate-sunset"]', tehranInput(DateTime.now().minus({ days: 1 })).input);
      await page.click('[data-testid="deprecate-submit"]');
      await page.waitForSelector('#deprecate-form[data-state="refused"]');
      expect(await page.getAttribute('[data-error-for="sunset"] [data-testid="field-error"]', 'data-pointer')).toBe('/sunset');
      expect(await page.isVisible('[data-error-for="sunset"]')).toBe(true);
      expect((await versionsOf())[0].deprecation).toBeNull();

      await page.fill('[data-testid="deprecate-sunset"]', sunset.input);
      await page.click('[data-testid="deprecate-submit"]');
      await page.waitForSelector('#deprecate-form[data-state="done"]');
      expect(await page.isVisible('[data-error-for="sunset"]')).toBe(false);
      const [first, second] = await versionsOf();
      expect(first.deprecation).toMatchObject({ sunset: sunset.iso, successor: '1.1.0' });
      expect(second.deprecation).toBeNull();
      // A deprecated version is not offered again.
      expect(await page.$$eval('[data-testid="deprecate-version"] option', (options) => options.map((o) => o.getAttribute('value')))).toEqual(['1.1.0']);
    });

    it('announces maintenance, after naming a missing note next to its input', async () => {
      await page.fill('[data-testid="maintenance-from"]', maintenanceFrom.input);
      await page.fill('[data-testid="maintenance-until"]', maintenanceUntil.input);
      await page.fill('[data-testid="maintenance-note-fa"]', 'به‌روزرسانی پایگاه داده');
      await page.click('[data-testid="maintenance-submit"]');
      await page.waitForSelector('#maintenance-form[data-state="refused"]');
      expect(await page.getAttribute('#maintenance-form [data-error-for="note"] [data-testid="field-error"]', 'data-pointer')).toBe('/note');

      await page.fill('[data-testid="maintenance-note-en"]', 'Database upgrade');
      await page.click('[data-testid="maintenance-submit"]');
      await page.waitForSelector('#maintenance-form[data-state="done"]');
      await page.screenshot({ path: join(ARTIFACTS, 'catalogue-publishing.png'), fullPage: true });
      const parcel = (await api('/v1/status')).services.find((s: { registry: string; service: string }) => s.registry === 'cadastre' && s.service === 'parcel');
      expect(parcel).toMatchObject({ state: 'maintenance', upcomingMaintenance: [{ from: maintenanceFrom.iso, until: maintenanceUntil.iso, note: { fa: 'به‌روزرسانی پایگاه داده', en: 'Database upgrade' } }] });
    });

    it('sees the same catalogue signed in, from its tab', async () => {
      await page.click('#views button[data-view="catalogue"]');
      await page.waitForSelector('body[data-catalogue="ready"]');
      const parcel = card('cadastre', 'parcel');
      expect(await page.getAttribute(parcel, 'data-state')).toBe('maintenance');
      expect(await page.getAttribute(`${parcel} [data-testid="version"][data-version="1.0.0"]`, 'data-deprecated')).toBe('true');
      expect(await page.isVisible('[data-testid="view-publishing"]')).toBe(false);
    });

    it.each(['fa', 'en'] as const)('the catalogue then shows, in %s, 1.0.0 deprecated with its sunset and successor, and the service in maintenance', async (lang) => {
      const seen = SEEN[lang];
      const visitor = await newContext(lang);
      const catalogue = await openCatalogue(visitor);
      const parcel = card('cadastre', 'parcel');
      expect(await catalogue.isVisible(parcel)).toBe(true);
      expect(await catalogue.getAttribute(parcel, 'data-state')).toBe('maintenance');
      expect(await text(catalogue, `${parcel} [data-testid="service-state"]`)).toBe(seen.maintenance);
      expect(await text(catalogue, `${parcel} [data-testid="maintenance-window"]`)).toContain(lang === 'fa' ? 'به‌روزرسانی پایگاه داده' : 'Database upgrade');
      expect(await text(catalogue, `${parcel} [data-testid="loa"]`)).toBe(seen.loaNone);
      expect(await text(catalogue, `${parcel} [data-testid="hours"]`)).toBe(seen.hoursParcel);
      expect(await catalogue.getAttribute(`${parcel} [data-testid="statement"]`, 'href')).toBe('https://cadastre.example/privacy');

      const old = `${parcel} [data-testid="version"][data-version="1.0.0"]`;
      expect(await catalogue.getAttribute(old, 'data-deprecated')).toBe('true');
      expect(await text(catalogue, `${old} [data-testid="deprecated"]`)).toBe(seen.deprecated);
      expect(await text(catalogue, `${old} [data-testid="successor"]`)).toBe('1.1.0');
      expect(await catalogue.getAttribute(`${old} [data-testid="sunset"]`, 'datetime')).toBe(sunset.iso);
      const shownSunset = await text(catalogue, `${old} [data-testid="sunset"]`);
      if (lang === 'fa') {
        // Solar Hijri, Tehran time, Persian digits.
        const tehran = DateTime.fromISO(sunset.iso, { zone: ZONE });
        const jalali = toJalaali(tehran.year, tehran.month, tehran.day);
        expect(shownSunset).toContain(persian(jalali.jy));
        expect(shownSunset).toContain(persian(jalali.jd));
        expect(shownSunset).not.toMatch(/[0-9]/);
      } else {
        expect(shownSunset).toContain(String(DateTime.fromISO(sunset.iso, { zone: ZONE }).year));
      }
      expect(await catalogue.getAttribute(`${parcel} [data-testid="version"][data-version="1.1.0"]`, 'data-deprecated')).toBe('false');
      await catalogue.screenshot({ path: join(ARTIFACTS, `catalogue-after-${lang}.png`), fullPage: true });
      await visitor.close();
    });
  });
});
