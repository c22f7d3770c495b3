import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describeWithBrowser, launchBrowser } from '../support/browser';
import { REPO_ROOT } from '../support/fixtures';
import { parseCsv } from '../support/report-traffic';
import { startTestApp, type TestApp } from '../support/test-app';

const ARTIFACTS = join(REPO_ROOT, 'tests', 'artifacts');
const WG = { authorization: 'Bearer demo-wg-key' };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** What each language's page says, as the user reads it. */
const SEEN = {
  fa: {
    dir: 'rtl',
    catalogue: 'فهرست خدمات',
    invalidValue: 'مقدار نادرست',
    pendingCustodian: 'در انتظار متولی',
    pendingWorkingGroup: 'در انتظار کارگروه',
    approved: 'تصویب‌شده',
    active: 'فعال',
    suspended: 'معلق',
    items: 'firstName، alive',
    quota: '۱۰۰',
    noData: 'داده‌ای نیست',
    governanceUnavailable: 'صفحه‌های حاکمیتی برای این کلید در دسترس نیست',
  },
  en: {
    dir: 'ltr',
    catalogue: 'Service catalogue',
    invalidValue: 'Invalid value',
    pendingCustodian: 'waiting for the custodian',
    pendingWorkingGroup: 'waiting for the working group',
    approved: 'approved',
    active: 'active',
    suspended: 'suspended',
    items: 'firstName, alive',
    quota: '100',
    noData: 'No data',
    governanceUnavailable: 'The governance pages are not available to this key',
  },
} as const;

describeWithBrowser('the governance pages in headless Chromium', () => {
  let nix: TestApp;
  let browser: Browser;
  /** The identity registry's custodian, with a key the working group issues through the API. */
  let custodianKey = '';

  const api = async (path: string, headers: Record<string, string> = WG) => {
    const response = await nix.call('GET', path, { headers });
    expect(response.status).toBe(200);
    return response.json;
  };
  const text = (page: Page, selector: string) => page.textContent(selector).then((t) => (t ?? '').trim());
  const cellText = (page: Page, table: string, key: string, field: string) => text(page, `[data-testid="${table}"] tr[data-key="${key}"] td[data-field="${field}"]`);
  const cellValue = (page: Page, table: string, key: string, field: string) =>
    page.getAttribute(`[data-testid="${table}"] tr[data-key="${key}"] td[data-field="${field}"]`, 'data-value');
  const governanceReady = (page: Page) => page.waitForSelector('body[data-governance="ready"]');

  /**
   * Signs in on a fresh tab and opens a role's page from its tab; the tab keeps its key and the page chosen in
   * sessionStorage, as a user's would. Reports, when the key may read them, come first.
   */
  async function signIn(context: BrowserContext, key: string, view: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${nix.url}/dashboard`);
    await page.waitForSelector('body[data-state="signed-out"]');
    await page.fill('#api-key', key);
    await page.click('#key-form button[type="submit"]');
    await governanceReady(page);
    await page.waitForSelector('body[data-state="ready"]');
    if (await page.isVisible('#views button[data-view="reports"]')) expect(await page.isVisible('#dashboard')).toBe(true);
    await page.click(`#views button[data-view="${view}"]`);
    await page.waitForSelector(`main[data-view="${view}"]:not([hidden])`);
    expect(await page.getAttribute(`#views button[data-view="${view}"]`, 'aria-pressed')).toBe('true');
    return page;
  }

  async function registerConsumer(id: string): Promise<string> {
    const created = await nix.call('POST', '/v1/agencies', { headers: WG, body: { id, name: { fa: `صندوق آزمایشی ${id}`, en: `Test fund ${id}` }, roles: ['consumer'] } });
    expect(created.status).toBe(201);
    const issued = await nix.call('POST', `/v1/agencies/${id}/keys`, { headers: WG, body: {} });
    expect(issued.status).toBe(201);
    return issued.json.key;
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    nix = await startTestApp();
    const issued = await nix.call('POST', '/v1/agencies/civil-registration/keys', { headers: WG, body: {} });
    expect(issued.status).toBe(201);
    custodianKey = issued.json.key;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await nix?.close();
  });

  describe.each(['fa', 'en'] as const)('in %s', (lang) => {
    const seen = SEEN[lang];
    const consumer = `test-pension-fund-${lang}`;
    const resolution = lang === 'fa' ? 'مصوبه ۱۲ جلسه ۴۵ کارگروه تعامل‌پذیری' : 'Working group resolution 45/12';
    let context: BrowserContext;
    let consumerKey = '';
    let consumerPage: Page;
    let custodianPage: Page;
    let workingGroupPage: Page;
    let requestId = '';

    beforeAll(async () => {
      consumerKey = await registerConsumer(consumer);
      context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, timezoneId: 'Asia/Tehran', acceptDownloads: true });
      if (lang === 'en') {
        // The language is the one preference the page keeps across tabs (localStorage); the key stays in each tab.
        const first = await context.newPage();
        await first.goto(`${nix.url}/dashboard`);
        await first.click('[data-testid="language-switch"]');
        await first.waitForSelector('html[lang="en"][dir="ltr"]');
        await first.close();
      }
    });
    afterAll(async () => {
      await context?.close();
    });

    it('shows the agency only its own pages, and files a request from a catalogue entry after naming a bad purpose next to its field', async () => {
      consumerPage = await signIn(context, consumerKey, 'agency');
      const page = consumerPage;
      expect(await page.getAttribute('html', 'dir')).toBe(seen.dir);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      // A key issued through the governance API opens the agency's page only.
      expect(await page.isVisible('#views button[data-view="agency"]')).toBe(true);
      for (const view of ['custodian', 'working-group']) expect(await page.isVisible(`#views button[data-view="${view}"]`)).toBe(false);
      expect(await page.isVisible('[data-testid="view-agency"]')).toBe(true);
      expect(await page.isVisible('#dashboard')).toBe(false);
      expect(await text(page, '[data-testid="view-agency"] h2[data-i18n="catalogue"]')).toBe(seen.catalogue);
      expect(await text(page, '[data-testid="my-agreements"] tbody')).toBe(seen.noData);
      // Every label has its words in this language (none left empty or an object's name).
      const labels = await page.$$eval('[data-i18n]', (elements) => elements.map((e) => [e.getAttribute('data-i18n'), (e.textContent ?? '').trim()]));
      expect(labels.filter(([, words]) => words === '' || words.includes('[object'))).toEqual([]);

      expect(await page.isVisible('[data-testid="access-request"]')).toBe(false);
      await page.click('[data-testid="request-identity-person"]');
      await page.waitForSelector('[data-testid="access-request"]:not([hidden])');
      expect(await page.inputValue('[data-testid="request-service"]')).toBe('identity/person');
      const offered = await page.$$eval('#request-items input[type="checkbox"]', (boxes) => boxes.map((b) => b.getAttribute('value')));
      const catalogue = (await api('/v1/services')).services.find((s: { registry: string; service: string }) => s.registry === 'identity' && s.service === 'person');
      expect(offered).toEqual(catalogue.dataItems);

      await page.check('[data-testid="item-firstName"]');
      await page.check('[data-testid="item-alive"]');
      await page.fill('[data-testid="request-purposes"]', 'Pension_Eligibility');
      await page.fill('[data-testid="request-quota"]', '100');
      await page.fill('[data-testid="request-justification"]', 'Pensions stop when a pensioner dies.');
      await page.click('[data-testid="request-submit"]');
      await page.waitForSelector('[data-error-for="purposes"]:not([hidden])');
      const purposeError = await text(page, '[data-error-for="purposes"]');
      expect(purposeError).toContain(seen.invalidValue);
      expect(purposeError).toContain('Pension_Eligibility');
      expect(await page.isVisible('[data-error-for="dataItems"]')).toBe(false);
      await page.locator('[data-testid="access-request"]').screenshot({ path: join(ARTIFACTS, `governance-request-form-${lang}.png`) });
      expect((await api('/v1/access-requests', bearer(consumerKey))).accessRequests).toEqual([]);

      await page.fill('[data-testid="request-purposes"]', 'pension-eligibility');
      // An impatient double click files one request, not two.
      await page.dblclick('[data-testid="request-submit"]');
      await page.waitForSelector('[data-testid="request-filed"]:not([hidden])');
      await governanceReady(page);
      expect(await page.isVisible('[data-error-for="purposes"]')).toBe(false);
      requestId = (await page.getAttribute('[data-testid="request-filed"]', 'data-value')) ?? '';
      expect(requestId).not.toBe('');
      expect(await text(page, '[data-testid="request-filed"]')).toContain(seen.pendingCustodian);

      const filed = await api(`/v1/access-requests/${requestId}`, bearer(consumerKey));
      expect(filed).toMatchObject({
        consumer,
        registry: 'identity',
        service: 'person',
        custodian: 'civil-registration',
        dataItems: ['firstName', 'alive'],
        purposes: ['pension-eligibility'],
        dailyQuota: 100,
        status: 'pending-custodian',
      });
      expect((await api('/v1/access-requests', bearer(consumerKey))).accessRequests.map((r: { id: string }) => r.id)).toEqual([requestId]);
      await page.waitForSelector(`[data-testid="my-requests"] tr[data-key="${requestId}"]`);
      expect(await cellValue(page, 'my-requests', requestId, 'status')).toBe('pending-custodian');
      expect(await cellText(page, 'my-requests', requestId, 'status')).toBe(seen.pendingCustodian);
      expect(await cellText(page, 'my-requests', requestId, 'dataItems')).toBe(seen.items);
      expect(await cellText(page, 'my-requests', requestId, 'dailyQuota')).toBe(seen.quota);
    });

    it('shows the custodian the request waiting for its consent, and consents with a note', async () => {
      custodianPage = await signIn(context, custodianKey, 'custodian');
      const page = custodianPage;
      expect(await page.getAttribute('html', 'dir')).toBe(seen.dir);
      expect(await page.isVisible('#views button[data-view="custodian"]')).toBe(true);
      for (const view of ['agency', 'working-group']) expect(await page.isVisible(`#views button[data-view="${view}"]`)).toBe(false);
      expect(await page.isVisible('[data-testid="view-custodian"]')).toBe(true);

      const waiting = await page.$$eval('[data-testid="consent-queue"] tbody tr[data-key]', (rows) => rows.map((r) => r.getAttribute('data-key')));
      expect(waiting).toEqual([requestId]);
      expect(await cellValue(page, 'consent-queue', requestId, 'consumer')).toBe(consumer);
      expect(await cellText(page, 'consent-queue', requestId, 'dataItems')).toBe(seen.items);
      await page.fill(`[data-testid="note-${requestId}"]`, 'Only firstName and alive; no national ID.');
      await page.screenshot({ path: join(ARTIFACTS, `governance-custodian-${lang}.png`), fullPage: true });
      await page.click(`[data-testid="consent-${requestId}"]`);
      await page.waitForSelector(`[data-testid="consent-queue"] tr[data-key="${requestId}"]`, { state: 'detached' });
      await governanceReady(page);
      expect(await cellValue(page, 'custodian-requests', requestId, 'status')).toBe('pending-working-group');
      expect(await cellText(page, 'custodian-requests', requestId, 'status')).toBe(seen.pendingWorkingGroup);
      expect((await api(`/v1/access-requests/${requestId}`, bearer(custodianKey))).status).toBe('pending-working-group');
    });

    it('lets the working group approve from its queue only with a resolution', async () => {
      workingGroupPage = await signIn(context, 'demo-wg-key', 'working-group');
      const page = workingGroupPage;
      // The working group's key also reads reports, a tab away.
      expect(await page.isVisible('#views button[data-view="reports"]')).toBe(true);
      expect(await page.isVisible('#dashboard')).toBe(false);

      expect(await cellValue(page, 'decision-queue', requestId, 'consumer')).toBe(consumer);
      // No resolution: the API refuses and the row says which field.
      await page.click(`[data-testid="approve-${requestId}"]`);
      await page.waitForSelector(`[data-testid="error-${requestId}"]:not([hidden])`);
      expect(await text(page, `[data-testid="error-${requestId}"]`)).toMatch(/^resolution: /);
      expect((await api(`/v1/access-requests/${requestId}`)).status).toBe('pending-working-group');

      await page.fill(`[data-testid="resolution-${requestId}"]`, resolution);
      await page.click(`[data-testid="approve-${requestId}"]`);
      await page.waitForSelector(`[data-testid="decision-queue"] tr[data-key="${requestId}"]`, { state: 'detached' });
      await governanceReady(page);
      const decided = await api(`/v1/access-requests/${requestId}`);
      expect(decided).toMatchObject({ status: 'approved', resolution, agreementId: expect.any(String) });
      expect(await cellText(page, 'all-agreements', decided.agreementId, 'resolution')).toBe(resolution);
      expect(await cellValue(page, 'all-agreements', decided.agreementId, 'status')).toBe('active');
    });

    it('shows the agency its agreement with that resolution, and its request approved', async () => {
      const page = consumerPage;
      // The key is still in the tab: a reload signs in again, on the same page, and reads the state afresh.
      await page.reload();
      await governanceReady(page);
      expect(await page.isVisible('[data-testid="view-agency"]')).toBe(true);
      const { agreements } = await api('/v1/agreements', bearer(consumerKey));
      expect(agreements).toEqual([expect.objectContaining({ consumer, registry: 'identity', service: 'person', dataItems: ['firstName', 'alive'], resolution, status: 'active' })]);
      const id = agreements[0].id;
      expect(await page.$$eval('[data-testid="my-agreements"] tbody tr[data-key]', (rows) => rows.map((r) => r.getAttribute('data-key')))).toEqual([id]);
      expect(await cellText(page, 'my-agreements', id, 'resolution')).toBe(resolution);
      expect(await cellText(page, 'my-agreements', id, 'status')).toBe(seen.active);
      expect(await cellText(page, 'my-agreements', id, 'dataItems')).toBe(seen.items);
      expect(await cellText(page, 'my-agreements', id, 'dailyQuota')).toBe(seen.quota);
      expect(await cellText(page, 'my-requests', requestId, 'status')).toBe(seen.approved);
      expect(await cellText(page, 'my-requests', requestId, 'resolution')).toBe(resolution);
      await page.screenshot({ path: join(ARTIFACTS, `governance-agency-${lang}.png`), fullPage: true });
    });

    it('lists every step in the working group’s audit log, and downloads it as CSV', async () => {
      const page = workingGroupPage;
      const subject = `access-request:${requestId}`;
      const { entries } = await api(`/v1/audit?subject=${encodeURIComponent(subject)}`);
      expect(entries.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
        ['access-request.file', consumer],
        ['access-request.consent', 'civil-registration'],
        ['access-request.decide', 'demo-working-group'],
      ]);
      const shown = await page.$$eval(`[data-testid="audit"] tbody tr[data-key]`, (rows) =>
        rows.map((row) => ({
          seq: row.getAttribute('data-key'),
          action: row.querySelector('td[data-field="action"]')?.textContent,
          subject: row.querySelector('td[data-field="subject"]')?.textContent,
          actor: row.querySelector('td[data-field="actor"]')?.getAttribute('data-value'),
        })),
      );
      for (const entry of entries) expect(shown).toContainEqual({ seq: String(entry.seq), action: entry.action, subject, actor: entry.actor });
      // Newest first.
      const seqs = shown.map((s) => Number(s.seq));
      expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
      expect(await cellText(page, 'audit', String(entries[1].seq), 'after')).toContain('pending-working-group');

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download-audit"]')]);
      expect(download.suggestedFilename()).toBe('nix-audit.csv');
      const csv = parseCsv(readFileSync(await download.path(), 'utf8'));
      const csvSteps = csv.filter((row) => row.includes(subject));
      expect(csvSteps).toHaveLength(3);
      await page.screenshot({ path: join(ARTIFACTS, `governance-working-group-${lang}.png`), fullPage: true });
    });

    it('lets the custodian refuse a request, with a note', async () => {
      const filed = await nix.call('POST', '/v1/access-requests', {
        headers: bearer(consumerKey),
        body: { registry: 'identity', service: 'person-verification', dataItems: ['allMatch'], purposes: ['pension-eligibility'], dailyQuota: 10, justification: 'Checking claimants.' },
      });
      expect(filed.status).toBe(201);
      const page = custodianPage;
      await page.reload();
      await governanceReady(page);
      await page.fill(`[data-testid="note-${filed.json.id}"]`, 'The consumer already holds the person inquiry.');
      await page.click(`[data-testid="refuse-${filed.json.id}"]`);
      await page.waitForSelector(`[data-testid="consent-queue"] tr[data-key="${filed.json.id}"]`, { state: 'detached' });
      await governanceReady(page);
      expect(await cellValue(page, 'custodian-requests', filed.json.id, 'status')).toBe('refused');
      expect((await api(`/v1/access-requests/${filed.json.id}`)).status).toBe('refused');
    });

    it('lets the agency ask for a new service and raise a dispute about its agreement, naming a missing field', async () => {
      const page = consumerPage;
      const { agreements } = await api('/v1/agreements', bearer(consumerKey));
      for (const description of ['A marriage-status inquiry for survivor pensions.', 'A copy of every birth certificate.']) {
        await page.fill('[data-testid="service-description"]', description);
        await page.click('[data-testid="service-submit"]');
        await page.waitForFunction(
          (d) => [...(globalThis as any).document.querySelectorAll('[data-testid="my-service-requests"] td[data-field="description"]')].some((td: any) => td.textContent === d),
          description,
        );
      }
      expect(await page.inputValue('[data-testid="service-description"]')).toBe('');

      // No subject chosen: the API names the field and the form shows it there.
      await page.fill('[data-testid="dispute-statement"]', 'A daily quota of 100 is too low for month-end.');
      await page.click('[data-testid="dispute-submit"]');
      await page.waitForSelector('[data-error-for="subject"]:not([hidden])');
      expect(await text(page, '[data-error-for="subject"]')).toContain(seen.invalidValue);
      expect((await api('/v1/disputes', bearer(consumerKey))).disputes).toEqual([]);

      await page.selectOption('[data-testid="dispute-subject"]', `agreement:${agreements[0].id}`);
      await page.click('[data-testid="dispute-submit"]');
      await page.waitForSelector(`[data-testid="my-disputes"] td[data-field="subject"][data-value="agreement:${agreements[0].id}"]`);
      expect(await page.isVisible('[data-error-for="subject"]')).toBe(false);

      const { serviceRequests } = await api('/v1/service-requests', bearer(consumerKey));
      expect(serviceRequests.map((r: { description: string; status: string }) => [r.description, r.status])).toEqual([
        ['A marriage-status inquiry for survivor pensions.', 'submitted'],
        ['A copy of every birth certificate.', 'submitted'],
      ]);
      const { disputes } = await api('/v1/disputes', bearer(consumerKey));
      expect(disputes).toEqual([expect.objectContaining({ subject: { kind: 'agreement', id: agreements[0].id }, status: 'open', raisedBy: consumer })]);
      for (const r of serviceRequests) expect(await cellValue(page, 'my-service-requests', r.id, 'status')).toBe('submitted');
    });

    it('triages service requests and settles a dispute from the working group’s page; the agency sees the outcome', async () => {
      const { serviceRequests } = await api('/v1/service-requests', bearer(consumerKey));
      const [wanted, unwanted] = serviceRequests.map((r: { id: string }) => r.id);
      const [dispute] = (await api('/v1/disputes', bearer(consumerKey))).disputes;
      const page = workingGroupPage;
      await page.reload();
      await governanceReady(page);
      expect(await page.isVisible('[data-testid="view-working-group"]')).toBe(true);
      expect(await cellValue(page, 'service-requests', wanted, 'status')).toBe('submitted');
      expect(await cellValue(page, 'disputes', dispute.id, 'status')).toBe('open');

      await page.selectOption(`[data-testid="custodian-${wanted}"]`, 'civil-registration');
      await page.click(`[data-testid="accept-${wanted}"]`);
      await page.waitForSelector(`[data-testid="service-requests"] tr[data-key="${wanted}"] td[data-field="status"][data-value="accepted"]`);
      expect(await cellText(page, 'service-requests', wanted, 'triage')).toContain(lang === 'fa' ? 'سازمان ثبت احوال کشور' : 'National Organization for Civil Registration');

      // Rejecting needs a reason: the row names the field until one is given.
      await page.click(`[data-testid="reject-service-${unwanted}"]`);
      await page.waitForSelector(`[data-testid="error-${unwanted}"]:not([hidden])`);
      expect(await text(page, `[data-testid="error-${unwanted}"]`)).toMatch(/^reason: /);
      await page.fill(`[data-testid="reason-${unwanted}"]`, 'Bulk copies are not inquiries (R3).');
      await page.click(`[data-testid="reject-service-${unwanted}"]`);
      await page.waitForSelector(`[data-testid="service-requests"] tr[data-key="${unwanted}"] td[data-field="status"][data-value="rejected"]`);

      const settled = lang === 'fa' ? 'سهمیه روزانه به ۵۰۰ افزایش می‌یابد' : 'The daily quota rises to 500.';
      await page.fill(`[data-testid="dispute-resolution-${dispute.id}"]`, settled);
      await page.click(`[data-testid="resolve-${dispute.id}"]`);
      await page.waitForSelector(`[data-testid="disputes"] tr[data-key="${dispute.id}"] td[data-field="status"][data-value="resolved"]`);
      expect(await cellText(page, 'disputes', dispute.id, 'resolution')).toBe(settled);

      const triaged = (await api('/v1/service-requests')).serviceRequests;
      expect(triaged).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ id: wanted, status: 'accepted', assignedCustodian: 'civil-registration' }),
          expect.objectContaining({ id: unwanted, status: 'rejected', reason: 'Bulk copies are not inquiries (R3).' }),
        ]),
      );
      expect((await api('/v1/disputes')).disputes).toContainEqual(expect.objectContaining({ id: dispute.id, status: 'resolved', resolution: settled }));

      await consumerPage.reload();
      await governanceReady(consumerPage);
      expect(await cellValue(consumerPage, 'my-service-requests', wanted, 'status')).toBe('accepted');
      expect(await cellValue(consumerPage, 'my-service-requests', unwanted, 'status')).toBe('rejected');
      expect(await cellText(consumerPage, 'my-service-requests', unwanted, 'triage')).toContain('Bulk copies are not inquiries (R3).');
      expect(await cellText(consumerPage, 'my-disputes', dispute.id, 'resolution')).toBe(settled);
      expect(await cellValue(consumerPage, 'my-disputes', dispute.id, 'status')).toBe('resolved');
      await consumerPage.screenshot({ path: join(ARTIFACTS, `governance-agency-cases-${lang}.png`), fullPage: true });
    });

    it('suspends and reinstates an agreement from the working group’s page, each with a resolution; the agency sees it suspended', async () => {
      const [agreement] = (await api('/v1/agreements', bearer(consumerKey))).agreements;
      const page = workingGroupPage;
      await page.click(`[data-testid="suspension-${agreement.id}"]`);
      await page.waitForSelector(`[data-testid="error-${agreement.id}"]:not([hidden])`);
      expect(await text(page, `[data-testid="error-${agreement.id}"]`)).toMatch(/^resolution: /);
      expect((await api('/v1/agreements', bearer(consumerKey))).agreements[0].status).toBe('active');

      const suspension = lang === 'fa' ? 'تعلیق تا رسیدگی به اختلاف' : 'Suspended until the dispute is heard.';
      await page.fill(`[data-testid="agreement-resolution-${agreement.id}"]`, suspension);
      await page.click(`[data-testid="suspension-${agreement.id}"]`);
      await page.waitForSelector(`[data-testid="all-agreements"] tr[data-key="${agreement.id}"] td[data-field="status"][data-value="suspended"]`);
      expect((await api('/v1/agreements', bearer(consumerKey))).agreements[0]).toMatchObject({ status: 'suspended', resolution: suspension });

      await consumerPage.reload();
      await governanceReady(consumerPage);
      expect(await cellText(consumerPage, 'my-agreements', agreement.id, 'status')).toBe(seen.suspended);
      expect(await cellText(consumerPage, 'my-agreements', agreement.id, 'resolution')).toBe(suspension);

      await page.fill(`[data-testid="agreement-resolution-${agreement.id}"]`, resolution);
      await page.click(`[data-testid="reinstatement-${agreement.id}"]`);
      await page.waitForSelector(`[data-testid="all-agreements"] tr[data-key="${agreement.id}"] td[data-field="status"][data-value="active"]`);
      expect((await api('/v1/agreements', bearer(consumerKey))).agreements[0]).toMatchObject({ status: 'active', resolution });
    });
  });

  describe('when the governance API cannot answer', () => {
    let context: BrowserContext;

    beforeAll(async () => {
      context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, timezoneId: 'Asia/Tehran' });
    });
    afterAll(async () => {
      await context?.close();
    });

    it('shows the reports, and says why the governance pages are missing', async () => {
      const page = await context.newPage();
      // The governance store is out of reach (its API answers 503); the reports still do.
      const problem = { type: '/problems/governance-unavailable', title: 'Governance unavailable', status: 503, detail: 'The governance store does not answer; try again shortly.' };
      await page.route('**/v1/agencies/me', (route) => route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify(problem) }));
      await page.goto(`${nix.url}/dashboard`);
      await page.waitForSelector('body[data-state="signed-out"]');
      await page.fill('#api-key', 'demo-wg-key');
      await page.click('#key-form button[type="submit"]');
      await page.waitForSelector('body[data-state="ready"]');
      expect(await page.isVisible('#dashboard')).toBe(true);
      expect(await page.isVisible('#views button[data-view="reports"]')).toBe(true);
      for (const view of ['agency', 'custodian', 'working-group']) expect(await page.isVisible(`#views button[data-view="${view}"]`)).toBe(false);
      expect(await text(page, '[data-testid="governance-unavailable"]')).toBe(`${SEEN.fa.governanceUnavailable} (503 ${problem.detail})`);
      expect(await page.isVisible('[data-testid="problem"]')).toBe(false);
    });
  });
});
