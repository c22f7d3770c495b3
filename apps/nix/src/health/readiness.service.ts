import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { HealthIndicatorService, type HealthIndicatorFunction, type HealthIndicatorResult } from '@nestjs/terminus';
import type { ServiceCatalog } from '@nix/catalog';
import { LedgerStore, TRAFFIC_SINK, TrafficWriter, type TrafficSink } from '@nix/ledger';
import { hasTransportStatus, KafkaInquiryServer } from '@nix/messaging';
import type { CircuitBreakers } from '@nix/resilience';
import { ADAPTER_BREAKERS } from '@nix/apps/adapter/src/adapter.module';
import { SERVICE_CATALOG } from '@nix/apps/broker/src/core/tokens';
import { RegistryGuards } from '@nix/apps/broker/src/inquiry/registry-guards';
import { LEDGER_SQL } from '@nix/apps/broker/src/ledger/ledger.module';
import { INQUIRY_CLIENT } from '@nix/apps/broker/src/messaging/messaging.module';
import { RecorderService } from '@nix/apps/recorder/src/recorder.service';

export const INQUIRY_SERVER = Symbol('INQUIRY_SERVER');

/** How long a look at Kafka's consumer groups stays fresh: readiness probes come often. */
const ADAPTER_COUNT_TTL_MS = 5000;

/**
 * Readiness of whatever this process runs. Only what stops the process from
 * doing its job makes it unready (the broker's transport, the adapters'
 * consumers, the recorder's database); breakers, missing adapters of one
 * registry and a ledger that buffers are reported but leave it serving, so
 * one failing registry never takes the whole broker out of the balancer.
 */
@Injectable()
export class ReadinessService {
  private adapterCounts: { at: number; counts: Promise<Record<string, number>> } | null = null;

  constructor(
    private readonly indicator: HealthIndicatorService,
    @Inject(SERVICE_CATALOG) private readonly catalog: ServiceCatalog,
    @Optional() @Inject(INQUIRY_CLIENT) private readonly client?: ClientProxy,
    @Optional() private readonly registryGuards?: RegistryGuards,
    @Optional() @Inject(ADAPTER_BREAKERS) private readonly adapterBreakers?: CircuitBreakers,
    @Optional() @Inject(INQUIRY_SERVER) private readonly server?: unknown,
    @Optional() @Inject(LEDGER_SQL) private readonly store?: LedgerStore,
    @Optional() @Inject(TRAFFIC_SINK) private readonly sink?: TrafficSink | null,
    @Optional() private readonly recorder?: RecorderService,
  ) {}

  checks(): HealthIndicatorFunction[] {
    const checks: HealthIndicatorFunction[] = [];
    if (this.client) checks.push(() => this.transport(), () => this.adapters());
    if (this.registryGuards || this.adapterBreakers) checks.push(() => this.breakers());
    if (this.server instanceof KafkaInquiryServer) checks.push(() => this.consumers(this.server as KafkaInquiryServer));
    if (this.recorder) checks.push(() => this.recorderConsumer(this.recorder!));
    if (this.store) checks.push(() => this.ledger());
    return checks;
  }

  private transport(): HealthIndicatorResult {
    const check = this.indicator.check('transport');
    if (!hasTransportStatus(this.client)) return check.up();
    return this.client.isConnected() ? check.up({ kind: this.client.kind }) : check.down({ kind: this.client.kind, reason: 'not connected' });
  }

  private async adapters(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('adapters');
    if (!hasTransportStatus(this.client)) return check.up();
    const addresses = this.catalog.registries.map((r) => r.address);
    if (!this.adapterCounts || Date.now() - this.adapterCounts.at > ADAPTER_COUNT_TTL_MS) {
      this.adapterCounts = { at: Date.now(), counts: this.client.adapterCounts(addresses) };
    }
    try {
      const counts = await this.adapterCounts.counts;
      const registries = Object.fromEntries(this.catalog.registries.map((r) => [r.registry, counts[r.address] ?? 0]));
      const missing = Object.keys(registries).filter((r) => registries[r] === 0);
      return check.up({ instances: registries, ...(missing.length ? { degraded: true, noAdapter: missing } : {}) });
    } catch (error) {
      this.adapterCounts = null;
      return check.up({ degraded: true, reason: `cannot list adapters: ${(error as Error).message}` });
    }
  }

  private breakers(): HealthIndicatorResult {
    const states = { ...prefixed('broker', this.registryGuards?.states()), ...prefixed('adapter', this.adapterBreakers?.states()) };
    const open = Object.keys(states).filter((k) => states[k] !== 'closed');
    return this.indicator.check('breakers').up({ states, ...(open.length ? { degraded: true, notClosed: open } : {}) });
  }

  private consumers(server: KafkaInquiryServer): HealthIndicatorResult {
    const check = this.indicator.check('adapterConsumers');
    return server.isRunning ? check.up() : check.down({ reason: 'not consuming inquiries' });
  }

  /** The recorder's other half: it reads the traffic topic only while in its consumer group. */
  private recorderConsumer(recorder: RecorderService): HealthIndicatorResult {
    const check = this.indicator.check('recorderConsumer');
    return recorder.recorder.isRunning ? check.up() : check.down({ reason: 'not consuming traffic records' });
  }

  private ledger(): HealthIndicatorResult {
    const check = this.indicator.check('ledger');
    const store = this.store!;
    const buffered = this.sink instanceof TrafficWriter ? this.sink.buffered : 0;
    const writing = this.sink instanceof TrafficWriter ? !this.sink.degraded : true;
    const stalledSeconds = this.sink instanceof TrafficWriter ? Math.floor(this.sink.stalledMs / 1000) : 0;
    const details: Record<string, unknown> = { store: store.kind, open: store.isReady, buffered, writing, stalledSeconds };
    if (store.error) details.reason = store.error.message;
    if (!store.isReady || !writing) details.degraded = true;
    // The recorder's whole job is the database; the broker keeps serving and buffers, until nothing has been
    // written for NIX_LEDGER_STALL_S while records wait.
    if (this.recorder && (!store.isReady || this.recorder.recorder.isFailing)) return check.down(details);
    if (this.sink instanceof TrafficWriter && this.sink.stalled) return check.down({ ...details, reason: `nothing written for ${stalledSeconds} s while records wait` });
    return check.up(details);
  }
}

function prefixed(scope: string, states: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(states ?? {}).map(([name, state]) => [`${scope}:${name}`, state]));
}
