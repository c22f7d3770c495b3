import type { AgencyReport } from './agency-report';
import { nameIn } from './labels';
import { NATIONAL_TIME_ZONE } from '@nix/domain';
import type { Language } from './report-query';
import { TOP_N } from './agency-report';
import type { UsageRow } from './usage';

/**
 * The printable report of one agency for one period: self-contained HTML
 * (no script, no external file) with print CSS for A4, in Persian (right to
 * left, Solar Hijri first) or English. Top-5 charts are bar rows whose
 * length is set by CSS, so that they print sharply on any printer.
 */
const TEXT = {
  fa: {
    title: 'گزارش تبادل اطلاعات',
    subtitle: 'مرکز ملی تبادل اطلاعات (NIX)',
    period: 'دوره',
    gregorian: 'میلادی',
    jalali: 'خورشیدی',
    generated: 'تهیه‌شده در',
    asConsumer: 'استفاده از خدمات (به‌عنوان دستگاه متقاضی)',
    asProvider: 'خدمات ارائه‌شده (به‌عنوان متولی پایگاه)',
    compliance: 'نکات انطباق',
    service: 'خدمت',
    provider: 'ارائه‌دهنده',
    consumer: 'دستگاه متقاضی',
    succeeded: 'موفق',
    failed: 'ناموفق',
    total: 'کل',
    duration: 'مدت (میلی‌ثانیه) کمینه / میانگین / بیشینه',
    requestSize: 'حجم درخواست (بایت) میانگین / بیشینه',
    responseSize: 'حجم پاسخ (بایت) میانگین / بیشینه',
    exchanges: 'تبادل‌ها',
    availability: 'دسترس‌پذیری',
    errorRate: 'نرخ خطا',
    percentiles: 'تأخیر p50 / p95 / p99 (میلی‌ثانیه)',
    topServices: 'پنج خدمت پراستفاده',
    topConsumers: 'پنج دستگاه پراستفاده',
    refusals: 'درخواست‌های ردشده و بیش از سهمیه',
    reason: 'علت',
    count: 'تعداد',
    unused: 'توافق‌نامه‌های بدون استفاده در این دوره',
    expiring: 'توافق‌نامه‌های نزدیک به پایان',
    agreement: 'توافق‌نامه',
    validUntil: 'اعتبار تا',
    daysLeft: 'روز مانده',
    agreements: 'توافق‌نامه‌ها و مصوبات کارگروه',
    validity: 'اعتبار',
    status: 'وضعیت',
    resolution: 'مصوبه کارگروه',
    noResolution: 'ثبت نشده',
    statuses: { active: 'فعال', suspended: 'معلق', revoked: 'لغوشده' },
    none: 'موردی نیست.',
    noTraffic: 'در این دوره تبادلی ثبت نشده است.',
    footnote: 'ارقام از جمع‌های ساعتی دفتر ترافیک است؛ مرکز تنها فراداده تبادل را نگه می‌دارد، نه محتوای آن را (ماده ۳۱ بند ۴).',
  },
  en: {
    title: 'Information exchange report',
    subtitle: 'National Information Exchange (NIX)',
    period: 'Period',
    gregorian: 'Gregorian',
    jalali: 'Solar Hijri',
    generated: 'Generated',
    asConsumer: 'Services used (as a consumer)',
    asProvider: 'Services provided (as a registry custodian)',
    compliance: 'Compliance',
    service: 'Service',
    provider: 'Provider',
    consumer: 'Consumer',
    succeeded: 'Succeeded',
    failed: 'Failed',
    total: 'Total',
    duration: 'Duration (ms) min / mean / max',
    requestSize: 'Request size (bytes) mean / max',
    responseSize: 'Response size (bytes) mean / max',
    exchanges: 'Exchanges',
    availability: 'Availability',
    errorRate: 'Error rate',
    percentiles: 'Latency p50 / p95 / p99 (ms)',
    topServices: 'Top 5 services',
    topConsumers: 'Top 5 consumers',
    refusals: 'Denied and over-quota inquiries',
    reason: 'Reason',
    count: 'Count',
    unused: 'Agreements unused in the period',
    expiring: 'Agreements near expiry',
    agreement: 'Agreement',
    validUntil: 'Valid until',
    daysLeft: 'Days left',
    agreements: 'Agreements and working-group resolutions',
    validity: 'Valid',
    status: 'Status',
    resolution: 'Working-group resolution',
    noResolution: 'Not recorded',
    statuses: { active: 'Active', suspended: 'Suspended', revoked: 'Revoked' },
    none: 'None.',
    noTraffic: 'No exchange was recorded in this period.',
    footnote: 'Figures come from the traffic ledger’s hourly rollups; the exchange keeps traffic metadata only, never content (Art. 31(4)).',
  },
} as const;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function renderPrintableReport(report: AgencyReport, lang: Language): string {
  const t = TEXT[lang];
  const locale = lang === 'fa' ? 'fa-IR' : 'en-GB';
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 });
  const n = (v: number | null) => (v === null ? '–' : number.format(v));
  const pct = (v: number | null) => (v === null ? '–' : percent.format(v));
  const e = escapeHtml;
  const { labels } = report;
  const agencyName = (id: string) => e(nameIn(labels.agencies[id], lang, id));
  const serviceName = (row: { registry?: string; service?: string }) =>
    e(`${nameIn(labels.registries[row.registry ?? ''], lang, row.registry ?? '')} — ${nameIn(labels.services[`${row.registry}/${row.service}`], lang, row.service ?? '')}`);
  const at = new Date(report.generatedAt);
  const generated = [
    new Intl.DateTimeFormat(`${locale}-u-ca-persian`, { timeZone: NATIONAL_TIME_ZONE, dateStyle: 'long', timeStyle: 'short' }).format(at),
    new Intl.DateTimeFormat(`${locale}-u-ca-gregory`, { timeZone: NATIONAL_TIME_ZONE, dateStyle: 'long', timeStyle: 'short' }).format(at),
  ];
  const p = report.period;

  const bars = (title: string, rows: readonly UsageRow[], label: (row: UsageRow) => string, testId: string) => {
    const top = rows.slice(0, TOP_N);
    const max = Math.max(1, ...top.map((r) => r.count));
    return `<section class="chart" data-testid="${testId}"><h3>${e(title)}</h3>${
      top.length === 0
        ? `<p class="none">${t.none}</p>`
        : `<table class="bars">${top
            .map((r) => `<tr><th scope="row">${label(r)}</th><td><span class="bar" style="width:${((100 * r.count) / max).toFixed(1)}%"></span></td><td class="num">${n(r.count)}</td></tr>`)
            .join('')}</table>`
    }</section>`;
  };
  /** The first column names the row; the next textColumns - 1 hold text, the rest figures. */
  const table = (head: string[], rows: string[][], testId: string, textColumns = 1) =>
    rows.length === 0
      ? `<p class="none">${t.none}</p>`
      : `<table data-testid="${testId}"><thead><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows
          .map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td${i < textColumns ? '' : ' class="num"'}>${c}</td>`)).join('')}</tr>`)
          .join('')}</tbody></table>`;

  const sections: string[] = [];
  const consumer = report.asConsumer;
  if (consumer) {
    const byService = [...consumer.services].sort((a, b) => b.count - a.count);
    sections.push(`<section><h2>${t.asConsumer}</h2>
      ${consumer.totals.count === 0 ? `<p class="none">${t.noTraffic}</p>` : ''}
      ${table(
        [t.service, t.provider, t.succeeded, t.failed, t.total, t.duration, t.requestSize, t.responseSize],
        byService.map((r) => [
          serviceName(r),
          agencyName(r.provider ?? ''),
          n(r.succeeded),
          n(r.failed),
          n(r.count),
          `${n(r.durationMinMs)} / ${n(r.durationMeanMs)} / ${n(r.durationMaxMs)}`,
          `${n(r.requestBytesMean)} / ${n(r.requestBytesMax)}`,
          `${n(r.responseBytesMean)} / ${n(r.responseBytesMax)}`,
        ]),
        'consumer-usage',
        2,
      )}
      ${bars(t.topServices, byService, serviceName, 'top-services')}
    </section>`);
  }
  const provider = report.asProvider;
  if (provider) {
    sections.push(`<section><h2>${t.asProvider}</h2>
      ${provider.totals.count === 0 ? `<p class="none">${t.noTraffic}</p>` : ''}
      ${table(
        [t.service, t.exchanges, t.succeeded, t.availability, t.errorRate, t.percentiles],
        provider.serviceLevels.map((s) => [
          serviceName(s),
          n(s.exchanges),
          n(s.answered),
          pct(s.availability),
          pct(s.errorRate),
          `${n(s.latencyP50Ms)} / ${n(s.latencyP95Ms)} / ${n(s.latencyP99Ms)}`,
        ]),
        'provider-service-levels',
      )}
      ${bars(t.topConsumers, provider.topConsumers, (r) => agencyName(r.consumer ?? ''), 'top-consumers')}
    </section>`);
  }
  sections.push(`<section><h2>${t.agreements}</h2>
      ${table(
        [t.agreement, t.consumer, t.service, t.validity, t.status, t.resolution],
        report.agreements.map((a) => [
          e(a.agreement),
          agencyName(a.consumer),
          serviceName(a),
          `<bdi dir="ltr">${e(a.validFrom)}</bdi> — <bdi dir="ltr">${e(a.validUntil)}</bdi>`,
          `<span class="status status-${a.status}" data-status="${a.status}">${t.statuses[a.status]}</span>`,
          a.resolution === null ? `<span class="none">${t.noResolution}</span>` : e(a.resolution),
        ]),
        'agreements',
        6,
      )}
    </section>`);
  if (consumer) {
    sections.push(`<section><h2>${t.compliance}</h2>
      <h3>${t.refusals}</h3>
      ${table([t.reason, t.count], consumer.refusals.map((r) => [e(`${r.outcome}: ${r.reason}`), n(r.count)]), 'refusals')}
      <h3>${t.unused}</h3>
      ${table([t.agreement, t.service, t.validUntil], consumer.unusedAgreements.map((a) => [e(a.agreement), serviceName(a), e(a.validUntil)]), 'unused-agreements', 2)}
      <h3>${t.expiring}</h3>
      ${table([t.agreement, t.service, t.validUntil, t.daysLeft], consumer.expiringAgreements.map((a) => [e(a.agreement), serviceName(a), e(a.validUntil), n(a.daysLeft)]), 'expiring-agreements', 2)}
    </section>`);
  }

  return `<!doctype html>
<html lang="${lang}" dir="${lang === 'fa' ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`${t.title} — ${report.agency.name[lang]} — ${p.label[lang]}`)}</title>
<style>
  @page { size: A4; margin: 16mm 14mm; }
  body { font-family: "Vazirmatn", "Noto Naskh Arabic", "Noto Sans Arabic", Tahoma, "DejaVu Sans", sans-serif; color: #1b1f24; margin: 24px; font-size: 13px; line-height: 1.5; }
  header { border-bottom: 2px solid #0b5394; margin-bottom: 12px; padding-bottom: 8px; }
  h1 { font-size: 20px; margin: 0; color: #0b5394; }
  h2 { font-size: 16px; margin: 18px 0 6px; border-bottom: 1px solid #c9d3df; }
  h3 { font-size: 14px; margin: 12px 0 4px; }
  .meta { margin: 2px 0; }
  table { border-collapse: collapse; width: 100%; margin: 4px 0 10px; }
  th, td { border: 1px solid #c9d3df; padding: 3px 6px; text-align: start; vertical-align: top; }
  thead th { background: #eef3f8; }
  td.num { text-align: end; white-space: nowrap; font-variant-numeric: tabular-nums; }
  table.bars th, table.bars td { border: none; }
  table.bars td:nth-child(2) { width: 55%; }
  .bar { display: block; height: 12px; background: #3d85c6; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .none { color: #5f6b7a; }
  .status-suspended, .status-revoked { font-weight: bold; color: #a61c00; }
  footer { margin-top: 16px; color: #5f6b7a; font-size: 11px; }
  @media print {
    body { margin: 0; font-size: 10.5pt; }
    thead { display: table-header-group; }
    tr, .chart { page-break-inside: avoid; break-inside: avoid; }
    h2 { page-break-after: avoid; break-after: avoid; }
  }
</style>
</head>
<body>
<header>
  <h1>${t.title}: <span data-testid="agency-name">${e(report.agency.name[lang])}</span></h1>
  <p class="meta">${t.subtitle}</p>
  <p class="meta"><strong>${t.period}:</strong> <span data-testid="period-label">${e(p.label[lang])}</span></p>
  <p class="meta">${t.jalali}: <bdi dir="ltr">${e(p.jalali.first)}</bdi> — <bdi dir="ltr">${e(p.jalali.last)}</bdi> · ${t.gregorian}: <bdi dir="ltr">${e(p.gregorian.first)}</bdi> — <bdi dir="ltr">${e(p.gregorian.last)}</bdi></p>
  <p class="meta">${t.generated}: ${e(generated[0])} (${e(generated[1])})</p>
</header>
<main>
${sections.join('\n')}
</main>
<footer>${t.footnote}</footer>
</body>
</html>
`;
}
