import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * How often prom-client samples the event loop. Its nix_nodejs_eventloop_lag_* figures are the time between two
 * samples, so they include this interval: an idle loop shows about 10 ms; the delay itself is the figure minus it.
 */
export const EVENT_LOOP_SAMPLING_MS = 10;

/**
 * Every metric family NIX exports. Labels stay bounded: agencies, registries,
 * services and outcomes, never identifiers or exchange IDs.
 */
export class NixMetrics {
  readonly registry = new Registry();

  readonly inquiries = new Counter({
    name: 'nix_inquiries_total',
    help: 'Inquiries answered, by consumer agency, registry, service and outcome.',
    labelNames: ['consumer', 'registry', 'service', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly inquiryDuration = new Histogram({
    name: 'nix_inquiry_duration_seconds',
    help: 'Time from receiving an inquiry to answering it.',
    labelNames: ['registry', 'service', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly segmentDuration = new Histogram({
    name: 'nix_inquiry_segment_seconds',
    help: 'Inquiry latency by segment: broker, transport, adapter and registry.',
    labelNames: ['registry', 'segment'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly inFlight = new Gauge({
    name: 'nix_inquiries_in_flight',
    help: 'Inquiries received and not yet answered.',
    registers: [this.registry],
  });

  readonly breakerState = new Gauge({
    name: 'nix_breaker_state',
    help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open.',
    labelNames: ['scope', 'registry'] as const,
    registers: [this.registry],
  });

  readonly breakerRejections = new Counter({
    name: 'nix_breaker_rejections_total',
    help: 'Calls refused at once because a circuit breaker was open.',
    labelNames: ['scope', 'registry'] as const,
    registers: [this.registry],
  });

  readonly lateReplies = new Counter({
    name: 'nix_late_replies_total',
    help: 'Adapter replies that arrived after their inquiry had timed out, and were dropped.',
    labelNames: ['registry'] as const,
    registers: [this.registry],
  });

  readonly unopenedMessages = new Counter({
    name: 'nix_kafka_unopened_messages_total',
    help: 'Inquiries and replies on Kafka whose sealed body did not open (unknown key, or replayed into another exchange or topic), and were dropped.',
    labelNames: ['topic'] as const,
    registers: [this.registry],
  });

  readonly expiredInquiries = new Counter({
    name: 'nix_adapter_expired_inquiries_total',
    help: 'Inquiries an adapter dropped because their deadline had passed before it took them.',
    labelNames: ['registry'] as const,
    registers: [this.registry],
  });

  readonly kafkaConsumerLag = new Gauge({
    name: 'nix_kafka_consumer_lag',
    help: 'Messages not yet consumed, by consumer group and topic.',
    labelNames: ['group', 'topic'] as const,
    registers: [this.registry],
  });

  readonly ledgerBuffered = new Gauge({
    name: 'nix_ledger_buffered_records',
    help: 'Traffic records waiting to be written to the ledger.',
    registers: [this.registry],
  });

  readonly ledgerLag = new Gauge({
    name: 'nix_ledger_recorder_lag_seconds',
    help: 'Age of the oldest traffic record not yet written to the ledger.',
    registers: [this.registry],
  });

  readonly ledgerWritten = new Counter({
    name: 'nix_ledger_records_written_total',
    help: 'Traffic records written to the ledger.',
    registers: [this.registry],
  });

  readonly ledgerWriteFailures = new Counter({
    name: 'nix_ledger_write_failures_total',
    help: 'Failed attempts to write a batch of traffic records; the batch is kept and retried.',
    registers: [this.registry],
  });

  readonly ledgerQuarantined = new Counter({
    name: 'nix_ledger_quarantined_total',
    help: 'Traffic records (or unreadable messages) the ledger can never take, set aside in the quarantine, by where they were found: writer, spool or recorder.',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly ledgerStalled = new Gauge({
    name: 'nix_ledger_stalled_seconds',
    help: 'How long traffic records have waited with none written to the ledger (0 while nothing waits).',
    registers: [this.registry],
  });

  readonly governanceVersion = new Gauge({
    name: 'nix_governance_version',
    help: 'The version of the governance state (keys, agreements) this broker authorises with.',
    registers: [this.registry],
  });

  readonly governanceLoadFailures = new Counter({
    name: 'nix_governance_load_failures_total',
    help: 'Failed attempts to read the governance state from the store; the last snapshot stays in force.',
    registers: [this.registry],
  });

  readonly quotaOfflineGrants = new Counter({
    name: 'nix_quota_offline_grants_total',
    help: 'Quota slices a broker granted itself while the shared quota counter could not be reached (the overshoot bound).',
    registers: [this.registry],
  });

  // Synthetic probes (R17): each published service called every NIX_PROBE_INTERVAL_S under the probe agency.
  readonly probeSuccesses = new Counter({
    name: 'nix_probe_success_total',
    help: 'Synthetic probes the service answered (ok, or not-found: the registry answered), by registry and service.',
    labelNames: ['registry', 'service'] as const,
    registers: [this.registry],
  });

  readonly probeFailures = new Counter({
    name: 'nix_probe_failure_total',
    help: 'Synthetic probes that failed, by registry, service and outcome (the exchange outcome, e.g. timeout, unavailable, denied).',
    labelNames: ['registry', 'service', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly probeDuration = new Histogram({
    name: 'nix_probe_duration_seconds',
    help: 'Time a synthetic probe took through the inquiry path, by registry and service.',
    labelNames: ['registry', 'service'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly probeUp = new Gauge({
    name: 'nix_probe_up',
    help: 'Whether the last synthetic probe of the service succeeded (1) or failed (0).',
    labelNames: ['registry', 'service'] as const,
    registers: [this.registry],
  });

  readonly probeLastRun = new Gauge({
    name: 'nix_probe_last_run_timestamp_seconds',
    help: 'When the last round of synthetic probes ended (Unix seconds); a stale value means the probes stopped.',
    registers: [this.registry],
  });

  readonly notificationEvents = new Counter({
    name: 'nix_notification_events_total',
    help: 'Events custodians published (issue 14), by registry and event type.',
    labelNames: ['registry', 'event_type'] as const,
    registers: [this.registry],
  });

  readonly notificationDeliveries = new Counter({
    name: 'nix_notification_deliveries_total',
    help: 'Notification deliveries: acknowledged by pull, or webhook attempts by outcome (ok, or why not).',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean; labels?: Record<string, string> } = {}) {
    if (options.labels) this.registry.setDefaultLabels(options.labels);
    if (options.defaultMetrics !== false) {
      collectDefaultMetrics({ register: this.registry, prefix: 'nix_', eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLING_MS });
    }
  }
}
