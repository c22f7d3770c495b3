import { csvField, toCsv, UTF8_BOM } from './csv';
import { usageCsv } from './report-csv';

describe('CSV for spreadsheets', () => {
  it('starts with the UTF-8 byte order mark and ends every line with CRLF', () => {
    const csv = toCsv(['consumer', 'count'], [{ consumer: 'tax-organization', count: 3 }]);
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv).toBe('\uFEFFconsumer,count\r\ntax-organization,3\r\n');
  });

  it('keeps Persian text as it is', () => {
    const csv = toCsv(['name'], [{ name: 'سازمان امور مالیاتی کشور' }]);
    expect(csv).toBe('\uFEFFname\r\nسازمان امور مالیاتی کشور\r\n');
  });

  it('quotes fields with commas, quotes and line breaks, doubling the quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('وزارت صنعت، معدن و تجارت')).toBe('وزارت صنعت، معدن و تجارت');
  });

  it('writes nothing for null and defuses text a spreadsheet would run as a formula', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('@sum')).toBe("'@sum");
    expect(csvField(-3)).toBe('-3');
    expect(csvField(0.125)).toBe('0.125');
  });

  it('writes a usage report with a name column after each identifier and the period in both calendars', () => {
    const row = {
      period: '2026-11-23',
      consumer: 'tax-organization',
      count: 2,
      succeeded: 1,
      failed: 1,
      durationMinMs: 1.5,
      durationMeanMs: 2,
      durationMaxMs: 2.5,
      requestBytesMin: 10,
      requestBytesMean: 10,
      requestBytesMax: 10,
      responseBytesMin: null,
      responseBytesMean: 5,
      responseBytesMax: null,
    };
    const labels = { agencies: { 'tax-organization': { fa: 'سازمان امور مالیاتی کشور', en: 'Iranian National Tax Administration' } }, registries: {}, services: {} };
    const buckets = [{ key: '2026-11-23', from: Date.parse('2026-11-22T20:30:00Z'), to: Date.parse('2026-11-23T20:30:00Z') }];
    const csv = usageCsv([row], ['period', 'consumer'], buckets, labels, 'fa');
    expect(csv.split('\r\n')).toEqual([
      '\uFEFFperiod,period_gregorian,period_jalali,consumer,consumer_name,count,succeeded,failed,durationMinMs,durationMeanMs,durationMaxMs,requestBytesMin,requestBytesMean,requestBytesMax,responseBytesMin,responseBytesMean,responseBytesMax',
      '2026-11-23,2026-11-23,1405-09-02,tax-organization,سازمان امور مالیاتی کشور,2,1,1,1.5,2,2.5,10,10,10,,5,',
      '',
    ]);
    expect(usageCsv([{ ...row, consumer: '' }], ['consumer'], [], labels, 'en').split('\r\n')[1]).toMatch(/^,unknown,2,/);
  });
});
