import { trafficRecordOf, type FinishedExchange } from '@nix/domain';
import { NixMetrics } from '@nix/observability';
import { InquiryMetrics } from './inquiry-metrics';

function record(overrides: Partial<FinishedExchange> = {}) {
  return trafficRecordOf({
    exchangeId: '0190f1d2-0000-7000-8000-000000000001',
    receivedAt: 1_000,
    facts: {
      consumer: 'tax-organization',
      registry: 'identity',
      service: 'person',
      relay: { dispatchedAt: 1_010, repliedAt: 1_060, adapterReceivedAt: 1_015, adapterRepliedAt: 1_045, registryMs: 25, adapterInstance: 'adapter-1' },
    },
    outcome: 'ok',
    problemType: null,
    requestBytes: 10,
    respondedAt: 1_070,
    httpStatus: 200,
    responseBytes: 20,
    brokerInstance: 'broker-1',
    trackingDigest: null, receiptDigest: null,
    ...overrides,
  });
}

const value = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1]);

describe('InquiryMetrics', () => {
  it('counts an exchange in flight until its record, then by consumer, registry, service and outcome, timed by segment', async () => {
    const metrics = new NixMetrics({ defaultMetrics: false });
    const inquiries = new InquiryMetrics(metrics);
    inquiries.started();
    inquiries.started();
    expect(value(await metrics.registry.metrics(), /^nix_inquiries_in_flight (\S+)$/m)).toBe(2);
    for (let i = 0; i < 2; i++) {
      inquiries.recorded(record());
      inquiries.ended();
    }
    const text = await metrics.registry.metrics();
    expect(value(text, /^nix_inquiries_in_flight (\S+)$/m)).toBe(0);
    expect(value(text, /^nix_inquiries_total\{consumer="tax-organization",registry="identity",service="person",outcome="ok"\} (\S+)$/m)).toBe(2);
    expect(value(text, /^nix_inquiry_duration_seconds_sum\{registry="identity",service="person",outcome="ok"\} (\S+)$/m)).toBeCloseTo(0.14);
    // 70 ms: 20 broker, 20 transport, 5 adapter, 25 registry.
    for (const [segment, seconds] of [['broker', 0.04], ['transport', 0.04], ['adapter', 0.01], ['registry', 0.05]] as const) {
      expect(value(text, new RegExp(`^nix_inquiry_segment_seconds_sum\\{registry="identity",segment="${segment}"\\} (\\S+)$`, 'm'))).toBeCloseTo(seconds);
    }
  });

  it('labels an exchange refused before authentication as unauthenticated, and an uncatalogued one as unknown, with no relay segments', async () => {
    const metrics = new NixMetrics({ defaultMetrics: false });
    const inquiries = new InquiryMetrics(metrics);
    inquiries.recorded(record({ facts: {}, outcome: 'unauthenticated', problemType: 'unauthenticated', httpStatus: 401 }));
    const text = await metrics.registry.metrics();
    expect(value(text, /^nix_inquiries_total\{consumer="unauthenticated",registry="unknown",service="unknown",outcome="unauthenticated"\} (\S+)$/m)).toBe(1);
    expect(text).not.toMatch(/nix_inquiry_segment_seconds_count\{registry="unknown",segment="transport"\}/);
    expect(value(text, /^nix_inquiry_segment_seconds_count\{registry="unknown",segment="broker"\} (\S+)$/m)).toBe(1);
  });

  it('counts ledger write failures', async () => {
    const metrics = new NixMetrics({ defaultMetrics: false });
    new InquiryMetrics(metrics).ledgerWriteFailed();
    expect(value(await metrics.registry.metrics(), /^nix_ledger_write_failures_total (\S+)$/m)).toBe(1);
  });
});
