import type { AgencyReport } from './agency-report';
import { calendarPeriodOf, describePeriod } from './period';
import { escapeHtml, renderPrintableReport } from './printable';
import { EMPTY_SUMS, measuresOf } from './usage';

const report: AgencyReport = {
  agency: { id: 'tax-organization', name: { fa: 'سازمان امور مالیاتی کشور', en: 'Tax <Administration>' }, roles: ['consumer'] },
  period: describePeriod(calendarPeriodOf('jalali-month', '1405-09', 0)),
  generatedAt: '2026-11-23T10:00:00.000Z',
  agreements: [
    { agreement: 'tax-person', consumer: 'tax-organization', registry: 'identity', service: 'person', validFrom: '2026-03-21', validUntil: '2027-03-20', status: 'suspended', resolution: 'WG-1405-31 <suspended> pending audit' },
    { agreement: 'tax-company', consumer: 'tax-organization', registry: 'identity', service: 'person', validFrom: '2026-03-21', validUntil: '2027-03-20', status: 'active', resolution: null },
  ],
  asConsumer: {
    services: [{ provider: 'civil-registration', registry: 'identity', service: 'person', ...measuresOf({ ...EMPTY_SUMS, exchanges: 1234, answered: 1200 }) }],
    totals: measuresOf({ ...EMPTY_SUMS, exchanges: 1234, answered: 1200 }),
    refusals: [{ consumer: 'tax-organization', outcome: 'over-quota', reason: 'quota-exceeded', count: 3 }],
    unusedAgreements: [],
    expiringAgreements: [],
  },
  asProvider: null,
  labels: {
    agencies: { 'civil-registration': { fa: 'سازمان ثبت احوال کشور', en: 'National Organization for Civil Registration' } },
    registries: { identity: { fa: 'ثبت احوال', en: 'Civil registration' } },
    services: { 'identity/person': { fa: 'استعلام مشخصات فرد', en: 'Person inquiry' } },
  },
};

describe('the printable agency report', () => {
  it('is Persian, right to left, with Persian digits and the Solar Hijri period', () => {
    const html = renderPrintableReport(report, 'fa');
    expect(html).toContain('<html lang="fa" dir="rtl">');
    expect(html).toContain('سازمان امور مالیاتی کشور');
    expect(html).toContain('آذر ۱۴۰۵');
    expect(html).toContain('۱٬۲۳۴');
    expect(html).toContain('استعلام مشخصات فرد');
    expect(html).toContain('@media print');
    expect(html).not.toMatch(/<script|<link|src=/);
  });

  it('is English, left to right, with escaped names, when asked', () => {
    const html = renderPrintableReport(report, 'en');
    expect(html).toContain('<html lang="en" dir="ltr">');
    expect(html).toContain('Tax &lt;Administration&gt;');
    expect(html).not.toContain('Tax <Administration>');
    expect(html).toContain('1,234');
    expect(html).toContain('quota-exceeded');
    expect(html).toContain('Top 5 services');
  });

  it.each([
    ['fa', 'توافق‌نامه‌ها و مصوبات کارگروه', 'مصوبه کارگروه', 'معلق', 'ثبت نشده'],
    ['en', 'Agreements and working-group resolutions', 'Working-group resolution', 'Suspended', 'Not recorded'],
  ] as const)('lists each agreement with its status and resolution (%s)', (lang, heading, column, suspended, none) => {
    const html = renderPrintableReport(report, lang);
    const agreements = html.slice(html.indexOf('data-testid="agreements"'));
    expect(html).toContain(`<h2>${heading}</h2>`);
    expect(agreements).toContain(`<th>${column}</th>`);
    expect(agreements).toMatch(new RegExp(`<th scope="row">tax-person</th>.*data-status="suspended">${suspended}<.*WG-1405-31 &lt;suspended&gt; pending audit`));
    expect(agreements).toMatch(new RegExp(`<th scope="row">tax-company</th>.*data-status="active">.*${none}`));
  });

  it('escapes everything HTML would read', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
  });
});
