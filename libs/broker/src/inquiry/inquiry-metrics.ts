import type { TrafficRecord } from '@nix/domain';
import type { NixMetrics } from '@nix/observability';

/** The prom-client children of one consumer × registry × service × outcome. */
interface InquirySeries {
  count: { inc(): void };
  duration: { observe(value: number): void };
  broker: { observe(value: number): void };
  transport: { observe(value: number): void };
  adapter: { observe(value: number): void };
  registry: { observe(value: number): void };
}

/**
 * The inquiry metrics: in flight, counted and timed by segment. Each series
 * is looked up once: resolving labels on every observation costs more than
 * the observation.
 */
export class InquiryMetrics {
  private readonly series = new Map<string, InquirySeries>();

  constructor(private readonly metrics: NixMetrics) {}

  started(): void {
    this.metrics.inFlight.inc();
  }

  ended(): void {
    this.metrics.inFlight.dec();
  }

  /** An exchange's record is made: it counts under its labels. */
  recorded(record: TrafficRecord): void {
    const series = this.seriesOf(record.consumer ?? 'unauthenticated', record.registry ?? 'unknown', record.service ?? 'unknown', record.outcome);
    series.count.inc();
    series.duration.observe((record.respondedAt - record.receivedAt) / 1000);
    series.broker.observe(record.brokerMs / 1000);
    if (record.transportMs !== null) series.transport.observe(record.transportMs / 1000);
    if (record.adapterMs !== null) series.adapter.observe(record.adapterMs / 1000);
    if (record.registryMs !== null) series.registry.observe(record.registryMs / 1000);
  }

  ledgerWriteFailed(): void {
    this.metrics.ledgerWriteFailures.inc();
  }

  private seriesOf(consumer: string, registry: string, service: string, outcome: string): InquirySeries {
    const key = `${consumer}\u0000${registry}\u0000${service}\u0000${outcome}`;
    let series = this.series.get(key);
    if (!series) {
      const segment = (name: string) => this.metrics.segmentDuration.labels({ registry, segment: name });
      series = {
        count: this.metrics.inquiries.labels({ consumer, registry, service, outcome }),
        duration: this.metrics.inquiryDuration.labels({ registry, service, outcome }),
        broker: segment('broker'),
        transport: segment('transport'),
        adapter: segment('adapter'),
        registry: segment('registry'),
      };
      this.series.set(key, series);
    }
    return series;
  }
}
