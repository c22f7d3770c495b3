import {
  governanceOf,
  countsOf,
  decideAgreements,
  KEYS,
  parseCsv,
  reportTrafficEnv,
  RESOLUTIONS,
  sendReportTraffic,
  tehranDate,
  type SentTraffic,
} from './report-traffic';
import { startTestApp, type TestApp } from './test-app';

const MEASURES = [
  'count',
  'succeeded',
  'failed',
  'durationMinMs',
  'durationMeanMs',
  'durationMaxMs',
  'requestBytesMin',
  'requestBytesMean',
  'requestBytesMax',
  'responseBytesMin',
  'responseBytesMean',
  'responseBytesMax',
];
const BY_CALL = 'groupBy=consumer,registry,service,outcome';

/** The reports API after a scripted mix of traffic, run against the embedded store and against PostgreSQL. */
export function reportsSuite(describeFn: jest.Describe, name: string, env: () => Promise<Record<string, string>>): void {
  describeFn(name, () => {
    let nix: TestApp;
    let sent: SentTraffic;
    const get = (path: string, key: string | null = KEYS.workingGroup, headers: Record<string, string> = {}) =>
      nix.call('GET', path, { headers: { ...(key ? { authorization: key } : {}), ...headers } });
    /** The body as bytes, decoded without dropping a byte order mark (a text decoder would). */
    const getCsv = async (path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(nix.url + path, { headers: { authorization: KEYS.workingGroup, ...headers } });
      const bytes = Buffer.from(await response.arrayBuffer());
      return { status: response.status, headers: Object.fromEntries(response.headers), bytes, text: bytes.toString('utf8') };
    };

    beforeAll(async () => {
      nix = await startTestApp({ ...reportTrafficEnv(), ...(await env()) });
      const governance = governanceOf(nix);
      sent = await sendReportTraffic(nix);
      // After the traffic: the reports must show these decisions, and still count what was sent before them.
      await decideAgreements(governance);
    });
    afterAll(() => nix?.close());

    describe('usage', () => {
      it('counts per consumer × service × outcome exactly what was sent today', async () => {
        const response = await get(`/v1/reports/usage?period=day&${BY_CALL}`);
        expect(response.status).toBe(200);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(countsOf(response.json.rows)).toEqual(sent.today);
        expect(response.json.totals.count).toBe([...sent.today.values()].reduce((a, b) => a + b, 0));
        expect(response.json.period).toMatchObject({ kind: 'day', key: `day:${tehranDate()}`, gregorian: { first: tehranDate(), last: tehranDate() }, resolution: 'hour' });
        expect(response.json.period.jalali.first).toMatch(/^14\d\d-\d\d-\d\d$/);
      });

      it('counts the current Solar Hijri season, yesterday’s ledger records included when they fall in it', async () => {
        const response = await get(`/v1/reports/usage?period=jalali-quarter&${BY_CALL}`);
        expect(response.status).toBe(200);
        expect(response.json.period.kind).toBe('jalali-quarter');
        expect(countsOf(response.json.rows)).toEqual(sent.season);
        expect(response.json.period.label.fa).toMatch(/^(بهار|تابستان|پاییز|زمستان) /);
      });

      it('carries only the grouped keys and the measures, in the order asked', async () => {
        const response = await get('/v1/reports/usage?period=day&groupBy=outcome,consumer');
        expect(response.json.groupBy).toEqual(['outcome', 'consumer']);
        for (const row of response.json.rows) expect(Object.keys(row)).toEqual(['outcome', 'consumer', ...MEASURES]);
        const alphaOk = response.json.rows.find((r: any) => r.consumer === 'test-alpha' && r.outcome === 'ok');
        expect(alphaOk).toMatchObject({ count: 3, succeeded: 3, failed: 0 });
        expect(alphaOk.durationMinMs).toBeGreaterThan(0);
        expect(alphaOk.durationMinMs).toBeLessThanOrEqual(alphaOk.durationMeanMs);
        expect(alphaOk.durationMeanMs).toBeLessThanOrEqual(alphaOk.durationMaxMs);
      });

      it('adds a service’s registry when service is grouped alone, and names what rows mention', async () => {
        const response = await get('/v1/reports/usage?period=day&groupBy=service');
        expect(response.json.groupBy).toEqual(['registry', 'service']);
        expect(response.json.rows.find((r: any) => r.service === 'person')).toMatchObject({ registry: 'identity', count: 12 });
        expect(response.json.labels.services['identity/person']).toEqual({ fa: 'استعلام مشخصات فرد', en: 'Person inquiry' });
      });

      it('groups by Tehran hour for a day, listing every hour in both calendars', async () => {
        const response = await get('/v1/reports/usage?period=day&groupBy=period');
        expect(response.json.interval).toBe('hour');
        expect(response.json.periods).toHaveLength(24);
        expect(response.json.periods[0]).toMatchObject({ key: `${tehranDate()}T00:00+03:30`, gregorian: tehranDate() });
        expect(response.json.rows.reduce((sum: number, r: any) => sum + r.count, 0)).toBe(response.json.totals.count);
      });

      it('widens a from/to range to whole Tehran hours and says so', async () => {
        const from = new Date(Date.now() - 2 * 3600_000 - 60_000).toISOString();
        const to = new Date(Date.now() + 3600_000).toISOString();
        const response = await get(`/v1/reports/usage?from=${from}&to=${to}&${BY_CALL}`);
        expect(response.status).toBe(200);
        expect(response.json.period).toMatchObject({ kind: 'range', roundedToHours: true });
        expect(response.json.notes[0]).toContain('whole Tehran hours');
        expect(Date.parse(response.json.period.from)).toBeLessThanOrEqual(Date.parse(from));
        expect(countsOf(response.json.rows)).toEqual(sent.today);
      });

      it('filters by consumer, registry, service and outcome', async () => {
        const response = await get('/v1/reports/usage?period=day&groupBy=consumer&registry=identity&service=person&outcome=ok');
        expect(countsOf(response.json.rows)).toEqual(new Map([['test-alpha|undefined|undefined|undefined', 3], ['test-beta|undefined|undefined|undefined', 2]]));
      });
    });

    describe('CSV', () => {
      it.each([
        ['Accept: text/csv', '', { accept: 'text/csv' }],
        ['?format=csv', '&format=csv', {}],
      ])('answers the same rows as JSON by %s, with a BOM and Persian names intact', async (_how, query, headers) => {
        const json = await get(`/v1/reports/usage?period=day&${BY_CALL}`);
        const response = await getCsv(`/v1/reports/usage?period=day&${BY_CALL}${query}`, headers);
        expect(response.status).toBe(200);
        expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
        expect(response.headers['content-disposition']).toMatch(/^attachment; filename="nix-usage-day-\d{4}-\d\d-\d\d\.csv"$/);
        expect([...response.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        const [header, ...lines] = parseCsv(response.text.slice(1));
        expect(header).toEqual(['consumer', 'consumer_name', 'registry', 'registry_name', 'service', 'service_name', 'outcome', ...MEASURES]);
        const csvRows = lines.map((line) => Object.fromEntries(header.map((column, i) => [column, line[i]])));
        expect(csvRows).toHaveLength(json.json.rows.length);
        json.json.rows.forEach((row: Record<string, unknown>, i: number) => {
          for (const [key, value] of Object.entries(row)) expect([key, csvRows[i][key]]).toEqual([key, value === null ? '' : String(value)]);
        });
        const alpha = csvRows.find((r) => r.consumer === 'test-alpha')!;
        expect(alpha.consumer_name).toBe('دستگاه آزمون test-alpha');
        expect(csvRows.find((r) => r.consumer === '')!.consumer_name).toBe('نامشخص');
        expect(csvRows.find((r) => r.service === 'person')!.service_name).toBe('استعلام مشخصات فرد');
      });
    });

    describe('who sees what', () => {
      it('shows a consumer its own usage only', async () => {
        const response = await get(`/v1/reports/usage?period=day&${BY_CALL}`, KEYS.alpha);
        expect(response.status).toBe(200);
        expect(countsOf(response.json.rows)).toEqual(new Map([...sent.today].filter(([key]) => key.startsWith('test-alpha|'))));
        expect(response.json.scope).toEqual({ agency: 'test-alpha', sees: 'its own usage' });
      });

      it('shows a provider the use of its own services, by every consumer', async () => {
        const response = await get(`/v1/reports/usage?period=day&${BY_CALL}`, KEYS.civilRegistration);
        expect(response.status).toBe(200);
        expect(countsOf(response.json.rows)).toEqual(new Map([...sent.today].filter(([key]) => key.includes('|identity|'))));
        const narrowed = await get('/v1/reports/usage?period=day&groupBy=outcome&consumer=test-beta', KEYS.civilRegistration);
        expect(narrowed.json.totals.count).toBe(4);
      });

      it('refuses with 403 a report on another agency’s traffic, rather than an empty one', async () => {
        for (const [key, query] of [
          [KEYS.alpha, 'consumer=test-beta'],
          [KEYS.civilRegistration, 'provider=police'],
        ]) {
          const response = await get(`/v1/reports/usage?period=day&${query}`, key);
          expect(response.status).toBe(403);
          expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(response.json).toMatchObject({ type: '/problems/report-out-of-scope', status: 403 });
        }
        const printable = await get('/v1/reports/agencies/test-beta/printable', KEYS.alpha);
        expect(printable.status).toBe(403);
        expect(printable.json.errors).toEqual([{ pointer: 'path:agencyId', detail: expect.any(String) }]);
      });

      it('answers 401 without a valid key', async () => {
        for (const key of [null, 'Bearer wrong-key-0123456789']) {
          const response = await get('/v1/reports/usage?period=day', key);
          expect(response.status).toBe(401);
          expect(response.headers['www-authenticate']).toBe('Bearer realm="nix"');
          expect(response.json.type).toBe('/problems/unauthenticated');
        }
      });

      it('lists the agencies an agency meets in its reports', async () => {
        const wg = await get('/v1/reports/agencies');
        expect(wg.json.caller).toMatchObject({ id: 'demo-working-group', roles: ['working-group'] });
        expect(wg.json.agencies.map((a: any) => a.id)).toEqual(expect.arrayContaining(['test-alpha', 'test-beta', 'civil-registration', 'tax-organization']));
        const alpha = await get('/v1/reports/agencies', KEYS.alpha);
        expect(alpha.json.agencies.map((a: any) => [a.id, a.reportable]).sort()).toEqual([
          ['civil-registration', false],
          ['deeds-registration', false],
          ['mimt', false],
          ['test-alpha', true],
        ]);
      });
    });

    describe('bounded parameters', () => {
      it.each([
        ['groupBy=consumer,agency', 'invalid-request', 'query:groupBy'],
        ['period=day:2026-02-30', 'invalid-period', 'query:period'],
        ['from=2026-11-23&to=2026-11-22', 'invalid-period', 'query:to'],
        ['from=2024-01-01&to=2026-01-01', 'invalid-period', 'query:to'],
        ['from=soon&to=2026-01-01', 'invalid-period', 'query:from'],
        ['period=jalali-quarter&groupBy=period&interval=hour', 'invalid-period', 'query:interval'],
        ['limit=0', 'invalid-request', 'query:limit'],
        ['outcome=great', 'invalid-request', 'query:outcome'],
        ['consumer=%27%3B%20DROP%20TABLE%20traffic_hourly', 'invalid-request', 'query:consumer'],
        ['format=xlsx', 'invalid-request', 'query:format'],
        ['colour=blue', 'invalid-request', 'query:colour'],
      ])('answers ?%s with a 400 %s naming %s', async (query, type, pointer) => {
        const response = await get(`/v1/reports/usage?${query}`);
        expect(response.status).toBe(400);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.json).toMatchObject({ type: `/problems/${type}`, status: 400, errors: [{ pointer, detail: expect.any(String) }] });
      });
    });

    describe('service levels', () => {
      it('gives availability, error rate and latency percentiles per service', async () => {
        const response = await get('/v1/reports/service-levels?period=day');
        expect(response.status).toBe(200);
        const rows = new Map(response.json.rows.map((r: any) => [`${r.registry}/${r.service}`, r]));
        expect(rows.get('goods/goods')).toMatchObject({ provider: 'mimt', exchanges: 12, answered: 0, providerFailures: 12, availability: 0, errorRate: 1 });
        const person: any = rows.get('identity/person');
        expect(person).toMatchObject({ provider: 'civil-registration', exchanges: 12, answered: 5, refused: 7, providerFailures: 0, availability: 1, errorRate: 0 });
        expect(person.latencyP50Ms).toBeGreaterThan(0);
        expect(person.latencyP50Ms).toBeLessThanOrEqual(person.latencyP95Ms);
        expect(person.latencyP95Ms).toBeLessThanOrEqual(person.latencyP99Ms);
        expect(person.latencyP99Ms).toBeLessThanOrEqual(person.latencyMaxMs);
        expect(rows.get('legal-entity/company')).toMatchObject({ exchanges: 5, answered: 2, refused: 3, availability: 1 });
      });

      it('answers CSV with the provider’s name in Persian', async () => {
        const response = await getCsv('/v1/reports/service-levels?period=day&format=csv&provider=civil-registration');
        const [header, row] = parseCsv(response.text.slice(1));
        expect(header.slice(0, 6)).toEqual(['registry', 'registry_name', 'service', 'service_name', 'provider', 'provider_name']);
        expect(row.slice(0, 6)).toEqual(['identity', 'ثبت احوال', 'person', 'استعلام مشخصات فرد', 'civil-registration', 'سازمان ثبت احوال کشور']);
      });
    });

    describe('compliance', () => {
      it('answers the working group’s questions for the period', async () => {
        const response = await get('/v1/reports/compliance?period=day');
        expect(response.status).toBe(200);
        const report = response.json;
        expect(report.silentAgencies).toEqual(expect.arrayContaining([{ agency: 'test-idle', agreements: ['idle-vehicle'] }]));
        expect(report.silentAgencies.map((s: any) => s.agency)).not.toContain('test-alpha');
        expect(report.unusedAgreements.map((a: any) => a.agreement)).toEqual(expect.arrayContaining(['idle-vehicle']));
        expect(report.unusedAgreements.map((a: any) => a.agreement)).not.toEqual(expect.arrayContaining(['alpha-person']));
        expect(report.refusals).toEqual([
          { consumer: 'test-beta', outcome: 'denied', reason: 'no-agreement', count: 3 },
          { consumer: 'test-beta', outcome: 'over-quota', reason: 'quota-exceeded', count: 2 },
        ]);
        expect(report.risingErrorRates).toEqual([
          { registry: 'goods', service: 'goods', provider: 'mimt', previous: { accepted: 20, errorRate: 0 }, current: { accepted: 12, errorRate: 1 } },
        ]);
        expect(report.expiringAgreements).toEqual([expect.objectContaining({ agreement: 'idle-vehicle', consumer: 'test-idle', validUntil: tehranDate(10), daysLeft: 10 })]);
        expect(report.labels.agencies['test-idle'].fa).toBe('دستگاه آزمون test-idle');
      });

      it('shows a consumer only its own findings', async () => {
        const response = await get('/v1/reports/compliance?period=day', KEYS.beta);
        expect(response.json.refusals.every((r: any) => r.consumer === 'test-beta')).toBe(true);
        expect(response.json.silentAgencies).toEqual([]);
        expect(response.json.expiringAgreements).toEqual([]);
      });

      it('flattens the findings into CSV', async () => {
        const response = await getCsv('/v1/reports/compliance?period=day', { accept: 'text/csv' });
        const rows = parseCsv(response.text.slice(1));
        expect(rows[0].slice(0, 3)).toEqual(['finding', 'agency', 'agency_name']);
        expect(rows[0].slice(-2)).toEqual(['status', 'resolution']);
        expect(rows).toContainEqual(['refusal', 'test-beta', 'دستگاه آزمون test-beta', '', '', '', 'quota-exceeded', '2', '', '', '', '', '', '']);
        expect(rows).toContainEqual(['agreement', 'test-alpha', 'دستگاه آزمون test-alpha', 'legal-entity', 'company', 'alpha-company', '', '', '', '', '2099-12-31', '', 'suspended', RESOLUTIONS.alphaCompanySuspended]);
        expect(rows).toContainEqual(['agreement', 'test-alpha', 'دستگاه آزمون test-alpha', 'identity', 'person', 'alpha-person', '', '', '', '', '2099-12-31', '', 'active', RESOLUTIONS.alphaPerson]);
      });

      it('lists every agreement with the status and resolution the governance store holds, suspended and revoked ones too', async () => {
        const response = await get('/v1/reports/compliance?period=day');
        expect(response.status).toBe(200);
        const byId = new Map(response.json.agreements.map((a: any) => [a.agreement, a]));
        // Imported from the contracts YAML with its resolution; decided in the store after the broker started.
        expect(byId.get('alpha-person')).toMatchObject({ consumer: 'test-alpha', registry: 'identity', service: 'person', status: 'active', resolution: RESOLUTIONS.alphaPerson });
        expect(byId.get('alpha-company')).toMatchObject({ status: 'suspended', resolution: RESOLUTIONS.alphaCompanySuspended });
        expect(byId.get('beta-address')).toMatchObject({ status: 'revoked', resolution: RESOLUTIONS.betaAddressRevoked });
        expect(byId.get('idle-vehicle')).toMatchObject({ status: 'active', resolution: null });
        expect(byId.get('tax-identity-person-1405')).toMatchObject({ consumer: 'tax-organization', status: 'active', resolution: 'IWG-1404-42' });
        // Used before its suspension and revocation: neither is an unused agreement, and their traffic still counts.
        expect(response.json.unusedAgreements.map((a: any) => a.agreement)).not.toEqual(expect.arrayContaining(['alpha-company']));
        expect(response.json.unusedAgreements.map((a: any) => a.agreement)).not.toEqual(expect.arrayContaining(['beta-address']));
        const usage = await get('/v1/reports/usage?period=day&groupBy=consumer,registry,service,outcome&registry=address');
        expect(countsOf(usage.json.rows)).toEqual(new Map([['test-beta|address|postal-code|ok', 1]]));
        const beta = await get('/v1/reports/compliance?period=day', KEYS.beta);
        expect(beta.json.agreements.map((a: any) => [a.agreement, a.status])).toEqual([
          ['beta-address', 'revoked'],
          ['beta-person', 'active'],
        ]);
      });
    });

    describe('the agency report', () => {
      it('sums an agency’s usage as a consumer', async () => {
        const response = await get('/v1/reports/agencies/test-alpha?period=day');
        expect(response.status).toBe(200);
        // alpha-company was suspended after its two inquiries: they still count.
        expect(response.json.asConsumer.totals).toMatchObject({ count: 19, succeeded: 5, failed: 14 });
        expect(response.json.agreements.map((a: any) => [a.agreement, a.status, a.resolution])).toEqual([
          ['alpha-company', 'suspended', RESOLUTIONS.alphaCompanySuspended],
          ['alpha-goods', 'active', null],
          ['alpha-person', 'active', RESOLUTIONS.alphaPerson],
        ]);
        expect(response.json.asProvider).toBeNull();
        const provider = await get('/v1/reports/agencies/civil-registration?period=day', KEYS.civilRegistration);
        expect(provider.json.asProvider.topConsumers.map((r: any) => [r.consumer, r.count])).toEqual([
          ['test-alpha', 5],
          ['test-beta', 4],
          ['', 3],
        ]);
      });

      it('prints as HTML in Persian or English, and answers 404 for an unknown agency', async () => {
        const fa = await get('/v1/reports/agencies/test-alpha/printable?period=jalali-month');
        expect(fa.status).toBe(200);
        expect(fa.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(fa.text).toContain('<html lang="fa" dir="rtl">');
        expect(fa.text).toContain('دستگاه آزمون test-alpha');
        expect(fa.text).toContain('@media print');
        const en = await get('/v1/reports/agencies/test-alpha/printable?period=day&lang=en');
        expect(en.text).toContain('<html lang="en" dir="ltr">');
        expect(en.text).toContain('Test agency test-alpha');
        expect(en.text).toContain('Top 5 services');
        expect((await get('/v1/reports/agencies/nobody/printable')).status).toBe(404);
      });

      it.each([
        ['fa', 'توافق‌نامه‌ها و مصوبات کارگروه', 'معلق', 'فعال'],
        ['en', 'Agreements and working-group resolutions', 'Suspended', 'Active'],
      ])('prints each agreement with its status and resolution (%s)', async (lang, heading, suspended, active) => {
        const response = await get(`/v1/reports/agencies/test-alpha/printable?period=day&lang=${lang}`);
        expect(response.status).toBe(200);
        expect(response.text).toContain(`<h2>${heading}</h2>`);
        const table = response.text.slice(response.text.indexOf('data-testid="agreements"'));
        const row = (id: string) => table.slice(table.indexOf(`<th scope="row">${id}</th>`)).split('</tr>')[0];
        expect(row('alpha-company')).toContain(`data-status="suspended">${suspended}</span>`);
        expect(row('alpha-company')).toContain(RESOLUTIONS.alphaCompanySuspended);
        expect(row('alpha-person')).toContain(`data-status="active">${active}</span>`);
        expect(row('alpha-person')).toContain('IWG-1405-07: &lt;alpha&gt; may read first names for audits');
        const beta = await get(`/v1/reports/agencies/test-beta/printable?period=day&lang=${lang}`);
        expect(beta.text).toContain('data-status="revoked"');
        expect(beta.text).toContain(RESOLUTIONS.betaAddressRevoked);
      });

    });
  });
}
