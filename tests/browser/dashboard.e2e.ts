import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describeWithBrowser, launchBrowser } from '../support/browser';
import { REPO_ROOT } from '../support/fixtures';
import { governanceOf, decideAgreements, KEYS, reportTrafficEnv, RESOLUTIONS, sendReportTraffic, type SentTraffic } from '../support/report-traffic';
import { startTestApp, type TestApp } from '../support/test-app';

const ARTIFACTS = join(REPO_ROOT, 'tests', 'artifacts');

describeWithBrowser('the reports dashboard in headless Chromium', () => {
  let nix: TestApp;
  let sent: SentTraffic;
  let browser: Browser;
  let page: Page;

  const api = async (path: string) => {
    const response = await nix.call('GET', path, { headers: { authorization: KEYS.workingGroup } });
    expect(response.status).toBe(200);
    return response.json;
  };
  const figure = (testId: string) => page.getAttribute(`[data-testid="${testId}"]`, 'data-value');
  const text = (selector: string) => page.textContent(selector).then((t) => (t ?? '').trim());
  /** Rows of a dashboard table: key, and each numeric cell's data-value by field. */
  const tableRows = (testId: string) =>
    page.$$eval(`[data-testid="${testId}"] tbody tr[data-key]`, (rows) =>
      rows.map((row) => ({
        key: row.getAttribute('data-key'),
        values: Object.fromEntries([...row.querySelectorAll('td[data-field][data-value]')].map((td) => [td.getAttribute('data-field'), td.getAttribute('data-value')])),
      })),
    );
  const chartData = (id: string) =>
    page.evaluate((canvasId) => {
      const chart = (globalThis as any).Chart.getChart(canvasId);
      return { labels: chart.data.labels as string[], datasets: chart.data.datasets.map((d: any) => d.data as number[]) };
    }, id);
  const ready = () => page.waitForSelector('body[data-state="ready"]');
  /** The cells of one agreement's row in a printable report, as Chromium shows them. */
  const agreementRow = (report: Page, id: string) =>
    report.$$eval(
      '[data-testid="agreements"] tbody tr',
      (rows, agreement) => rows.map((row) => [...row.children].map((cell) => (cell.textContent ?? '').trim())).find((cells) => cells[0] === agreement),
      id,
    );
  const str = (v: number | null) => (v === null ? '' : String(v));

  /** Issue 14: test-alpha, under an agreement naming the event type, is notified of one change and acknowledges it. */
  async function sendNotificationTraffic(): Promise<void> {
    const wg = { authorization: KEYS.workingGroup };
    const agreement = await nix.call('POST', '/v1/agreements', {
      headers: wg,
      body: { consumer: 'test-alpha', registry: 'identity', service: 'person-changed', dataItems: ['nationalId', 'changedOn'], purposes: ['records'], dailyQuota: 10, validFrom: '2024-01-01', validUntil: '2099-12-31', resolution: 'WG-1405-14' },
    });
    expect(agreement.status).toBe(201);
    const person = { nationalId: '0499370899' };
    expect((await nix.call('PUT', '/v1/subscriptions/identity/person-changed', { headers: { authorization: KEYS.alpha }, body: { nationalIds: [person.nationalId] } })).status).toBe(200);
    const published = await nix.call('POST', '/v1/events/identity/person-changed', { headers: { authorization: KEYS.civilRegistration }, body: { ...person, changedOn: '2026-11-30' } });
    expect(published.status).toBe(202);
    const ack = await nix.call('POST', '/v1/notifications/ack', { headers: { authorization: KEYS.alpha }, body: { eventIds: published.json.eventIds } });
    expect(ack.json).toEqual({ acknowledged: 1 });
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    nix = await startTestApp(reportTrafficEnv());
    const governance = governanceOf(nix);
    sent = await sendReportTraffic(nix);
    await decideAgreements(governance);
    await sendNotificationTraffic();
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, timezoneId: 'Asia/Tehran' });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await nix?.close();
  });

  it('asks for a key, in Persian and right to left, and refuses a wrong one', async () => {
    await page.goto(`${nix.url}/dashboard`);
    await page.waitForSelector('body[data-state="signed-out"]');
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.getAttribute('html', 'lang')).toBe('fa');
    expect(await text('h1')).toBe('داشبورد گزارش‌های مرکز ملی تبادل اطلاعات');
    await page.fill('#api-key', 'not-a-key');
    await page.click('#key-form button[type="submit"]');
    await page.waitForSelector('[data-testid="problem"]:not([hidden])');
    expect(await text('[data-testid="problem"]')).toMatch(/^401 /);
    expect(await page.isVisible('#dashboard')).toBe(false);
  });

  it('shows today’s figures equal to the API’s, with Jalali dates, and saves a screenshot', async () => {
    await page.fill('#api-key', KEYS.workingGroup.replace('Bearer ', ''));
    await page.click('#key-form button[type="submit"]');
    await ready();

    const outcomes = await api('/v1/reports/usage?period=day&groupBy=outcome');
    const total = [...sent.today.values()].reduce((a, b) => a + b, 0);
    expect(outcomes.totals.count).toBe(total);
    expect(await figure('kpi-count')).toBe(String(total));
    expect(await text('[data-testid="kpi-count"]')).toBe(new Intl.NumberFormat('fa-IR').format(total));
    expect(await figure('kpi-succeeded')).toBe(String(outcomes.totals.succeeded));
    expect(await figure('kpi-failed')).toBe(String(outcomes.totals.failed));

    const consumers = await api('/v1/reports/usage?period=day&groupBy=consumer&limit=5');
    expect(await tableRows('top-consumers')).toEqual(
      consumers.rows.map((r: any) => ({ key: r.consumer, values: { count: str(r.count), succeeded: str(r.succeeded), failed: str(r.failed) } })),
    );
    expect((await chartData('chart-consumers')).datasets).toEqual([consumers.rows.map((r: any) => r.succeeded), consumers.rows.map((r: any) => r.failed)]);

    const services = await api('/v1/reports/usage?period=day&groupBy=registry,service&limit=5');
    expect((await tableRows('top-services')).map((r) => [r.key, r.values.count])).toEqual(services.rows.map((r: any) => [`${r.registry}/${r.service}`, str(r.count)]));

    expect((await chartData('chart-outcomes')).datasets[0]).toEqual(outcomes.rows.map((r: any) => r.count));
    const traffic = await chartData('chart-traffic');
    expect(traffic.labels).toHaveLength(24);
    expect([...traffic.datasets[0], ...traffic.datasets[1]].reduce((a, b) => a + b, 0)).toBe(total);

    const levels = await api('/v1/reports/service-levels?period=day');
    expect(await tableRows('service-levels')).toEqual(
      levels.rows.map((r: any) => ({
        key: `${r.registry}/${r.service}`,
        values: Object.fromEntries(
          ['provider', 'exchanges', 'answered', 'refused', 'providerFailures', 'availability', 'errorRate', 'latencyP50Ms', 'latencyP95Ms', 'latencyP99Ms'].map((f) => [f, f === 'provider' ? r[f] : str(r[f])]),
        ),
      })),
    );
    const latency = await chartData('chart-latency');
    const measured = levels.rows.filter((r: any) => r.latencyP50Ms !== null);
    expect(latency.datasets).toEqual([measured.map((r: any) => r.latencyP50Ms), measured.map((r: any) => r.latencyP95Ms), measured.map((r: any) => r.latencyP99Ms)]);

    // Persian digits and the Solar Hijri calendar.
    expect(await page.getAttribute('[data-testid="period-calendars"]', 'data-jalali')).toBe(`${outcomes.period.jalali.first}/${outcomes.period.jalali.last}`);
    expect(await text('[data-testid="period-calendars"]')).toMatch(/^\(خورشیدی: [۰-۹]{1,2} \S+ ۱۴[۰-۹]{2} · میلادی: [۰-۹]{1,2} \S+ ۲۰[۰-۹]{2}\)$/);
    expect(await text('[data-testid="period-label"]')).toBe(outcomes.period.label.fa);
    expect(traffic.labels[0]).toMatch(/^[۰-۹]{2}:[۰-۹]{2}$/);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-fa.png'), fullPage: true });
  });

  it('switches to English, left to right, with the same figures, and saves a screenshot', async () => {
    await page.click('[data-testid="language-switch"]');
    await page.waitForSelector('html[lang="en"][dir="ltr"]');
    expect(await text('h1')).toBe('National Information Exchange — reports');
    const outcomes = await api('/v1/reports/usage?period=day&groupBy=outcome');
    expect(await figure('kpi-count')).toBe(String(outcomes.totals.count));
    expect(await text('[data-testid="kpi-count"]')).toBe(String(outcomes.totals.count));
    expect(await text('[data-testid="period-label"]')).toBe(outcomes.period.label.en);
    expect(await text('[data-testid="top-consumers"] tr[data-key="test-alpha"] td[data-field="name"]')).toBe('Test agency test-alpha');
    expect((await chartData('chart-outcomes')).labels).toContain('unavailable');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-en.png'), fullPage: true });
  });

  it('shows events, deliveries and the same-day share per agency, as the notifications report gives them', async () => {
    const report = await api('/v1/reports/notifications?period=day');
    expect(report.agencies).toEqual([
      { agency: 'civil-registration', events: 1, deliveries: 0, sameDay: 0, failedAttempts: 0, sameDayShare: null, lapsed: 0 },
      { agency: 'test-alpha', events: 0, deliveries: 1, sameDay: 1, failedAttempts: 0, sameDayShare: 1, lapsed: 0 },
    ]);
    expect(await tableRows('notifications')).toEqual(
      report.agencies.map((r: any) => ({ key: r.agency, values: { agency: r.agency, events: str(r.events), deliveries: str(r.deliveries), failedAttempts: str(r.failedAttempts), sameDayShare: str(r.sameDayShare), lapsed: str(r.lapsed) } })),
    );
    expect(await text('[data-testid="notifications"] tr[data-key="test-alpha"] td[data-field="sameDayShare"]')).toBe('100%');
    expect(await text('[data-testid="notifications"] thead')).toContain('Delivered the same day');
  });

  it('filters by agency and by Solar Hijri season', async () => {
    await page.selectOption('[data-testid="filter-agency"]', 'test-beta');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('[data-testid="kpi-count"]')?.getAttribute('data-value') === '8');
    await ready();
    const beta = await api('/v1/reports/usage?period=day&groupBy=outcome&consumer=test-beta');
    expect(await figure('kpi-count')).toBe(String(beta.totals.count));
    await page.selectOption('[data-testid="filter-agency"]', '');
    await page.selectOption('[data-testid="filter-period"]', 'jalali-quarter');
    const season = await api('/v1/reports/usage?period=jalali-quarter&groupBy=outcome');
    await page.waitForFunction((n) => (globalThis as any).document.querySelector('[data-testid="kpi-count"]')?.getAttribute('data-value') === n, String(season.totals.count));
    expect(await text('[data-testid="period-label"]')).toBe(season.period.label.en);
  });

  it('links an agency to its printable report', async () => {
    const [report] = await Promise.all([page.context().waitForEvent('page'), page.click('[data-testid="printable-html-test-alpha"]')]);
    await report.waitForURL(/^blob:/);
    await report.waitForLoadState();
    expect(await report.textContent('[data-testid="agency-name"]')).toBe('Test agency test-alpha');
    expect(await report.getAttribute('html', 'dir')).toBe('ltr');
    expect(await report.textContent('[data-testid="consumer-usage"]')).toContain('Person inquiry');
    const suspended = await agreementRow(report, 'alpha-company');
    expect(suspended?.slice(4)).toEqual(['Suspended', RESOLUTIONS.alphaCompanySuspended]);
    expect((await agreementRow(report, 'alpha-person'))?.slice(4)).toEqual(['Active', RESOLUTIONS.alphaPerson]);
    await report.screenshot({ path: join(ARTIFACTS, 'printable-en.png'), fullPage: true });
    await report.close();
  });

  it('shows the Persian printable report with each agreement’s status and resolution, right to left', async () => {
    const response = await nix.call('GET', '/v1/reports/agencies/test-beta/printable?period=day&lang=fa', { headers: { authorization: KEYS.workingGroup } });
    expect(response.status).toBe(200);
    const report = await page.context().newPage();
    await report.setContent(response.text);
    expect(await report.getAttribute('html', 'dir')).toBe('rtl');
    expect(await report.textContent('h2:has(+ [data-testid="agreements"])')).toBe('توافق‌نامه‌ها و مصوبات کارگروه');
    expect((await agreementRow(report, 'beta-address'))?.slice(4)).toEqual(['لغوشده', RESOLUTIONS.betaAddressRevoked]);
    expect((await agreementRow(report, 'beta-person'))?.slice(4)).toEqual(['فعال', 'ثبت نشده']);
    await report.screenshot({ path: join(ARTIFACTS, 'printable-fa-agreements.png'), fullPage: true });
    await report.close();
  });

  it('prints an agency report as PDF through headless Chromium', async () => {
    const response = await fetch(`${nix.url}/v1/reports/agencies/test-alpha/printable?period=day&format=pdf`, { headers: { authorization: KEYS.workingGroup } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    writeFileSync(join(ARTIFACTS, 'printable-fa.pdf'), pdf);
  });
});
