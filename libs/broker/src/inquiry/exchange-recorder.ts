import { ExchangeTrace, trafficRecordOf, type Clock, type ExchangeEnding, type ExchangeIdGenerator, type TrafficRecord } from '@nix/domain';
import type { TrafficSink } from '@nix/ledger';
import type { KeyHasher } from '../access/key-hasher';
import type { InquiryMetrics } from './inquiry-metrics';

/** What the recorder logs through: pino's logger fits. */
export interface ExchangeLog {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface ExchangeRecorderSettings {
  /** This broker instance, named in every record. */
  instanceId: string;
  /** NIX_LOG_EXCHANGES: log every exchange (failures of the broker are always logged). */
  logExchanges: boolean;
}

/** How an exchange was answered: its status, and whether the answer waits for its record to be durable. */
export interface ExchangeAnswer {
  httpStatus: number;
  durably: boolean;
}

/**
 * Every exchange from its arrival to its traffic record: gives it its ID,
 * counts it in flight, builds its record from what the handler or the edge
 * said of it, hands the record to the traffic sink, counts it in the
 * metrics and logs it. Shutdown drains it.
 */
export class ExchangeRecorder {
  private readonly inFlight = new Set<ExchangeTrace>();
  private readonly drained = new Set<() => void>();

  constructor(
    private readonly clock: Clock,
    private readonly ids: ExchangeIdGenerator,
    private readonly sink: TrafficSink,
    private readonly metrics: Pick<InquiryMetrics, 'started' | 'ended' | 'recorded' | 'ledgerWriteFailed'>,
    private readonly hasher: Pick<KeyHasher, 'trackingDigest'>,
    private readonly settings: ExchangeRecorderSettings,
    private readonly log: ExchangeLog,
  ) {}

  /** Starts an exchange: its ID and arrival; it is in flight until its record is made. */
  begin(): ExchangeTrace {
    const trace = new ExchangeTrace(this.ids.next(), this.clock.now());
    this.inFlight.add(trace);
    this.metrics.started();
    return trace;
  }

  /**
   * Records an exchange once, when its answer has gone out or, durably,
   * before it goes: then the promise resolves once the record is durable.
   */
  finish(trace: ExchangeTrace, answer: ExchangeAnswer): Promise<void> | undefined {
    if (trace.recorded) return undefined;
    trace.recorded = true;
    const record = this.recordOf(trace, answer.httpStatus);
    const durable = answer.durably && this.sink.recordDurably ? this.recordDurably(record) : undefined;
    if (!durable) this.sink.record(record);
    this.metrics.recorded(record);
    if (this.settings.logExchanges || record.outcome === 'broker-error') {
      const { exchangeId, consumer, registry, service, outcome, httpStatus, problemType } = record;
      this.log.info({ exchangeId, consumer, registry: registry ?? 'unknown', service: service ?? 'unknown', outcome, httpStatus, problemType }, 'exchange');
    }
    this.release(trace);
    return durable;
  }

  /**
   * The connection closed before an answer went out (Node's parser refused
   * the body, the client went away): the exchange is no longer in flight.
   * Should an answer still go out, it is recorded then.
   */
  disconnected(trace: ExchangeTrace): void {
    this.release(trace);
  }

  private release(trace: ExchangeTrace): void {
    if (!this.inFlight.delete(trace)) return;
    this.metrics.ended();
    if (this.inFlight.size === 0) for (const resolve of this.drained) resolve();
  }

  /**
   * Resolves true once no exchange is in flight, every one received so far
   * answered and its record handed to the sink; false if timeoutMs passes first.
   */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.inFlight.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (drained: boolean) => {
        clearTimeout(timer);
        this.drained.delete(onDrained);
        resolve(drained);
      };
      const onDrained = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.drained.add(onDrained);
    });
  }

  /**
   * Resolves true once every exchange received at or before cutoff has been recorded (handed to the sink), whatever
   * arrives later; false if timeoutMs passes first. A backup waits on it so that what was answered before it is in it.
   */
  async settledBefore(cutoff: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    const pending = () => [...this.inFlight].some((trace) => trace.receivedAt <= cutoff);
    while (pending()) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return true;
  }

  /** Exchanges received and not yet recorded. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** How the exchange ended: one that ended with neither an answer nor a problem is the broker's failure. */
  endingOf(trace: ExchangeTrace): ExchangeEnding {
    return trace.outcome ? { outcome: trace.outcome, problemType: trace.problemType } : { outcome: 'broker-error', problemType: null };
  }

  /** The keyed digest of the exchange's tracking code, as its record holds it. */
  trackingDigestOf(trace: ExchangeTrace): string | null {
    const { consumer, trackingCode } = trace.facts;
    return consumer && trackingCode ? this.hasher.trackingDigest(consumer, trackingCode) : null;
  }

  /** The receipt could not be signed: the answer goes without one, and the failure is logged (never the body). */
  receiptFailed(trace: ExchangeTrace, error: Error): void {
    this.log.error({ err: error, exchangeId: trace.exchangeId }, 'the receipt of an answer could not be signed; it leaves without NIX-Receipt');
  }

  get instanceId(): string {
    return this.settings.instanceId;
  }

  private recordOf(trace: ExchangeTrace, httpStatus: number): TrafficRecord {
    const ending = this.endingOf(trace);
    return trafficRecordOf({
      exchangeId: trace.exchangeId,
      receivedAt: trace.receivedAt,
      facts: trace.facts,
      ...ending,
      requestBytes: trace.requestBytes,
      respondedAt: this.clock.now(),
      httpStatus,
      responseBytes: trace.responseBytes,
      brokerInstance: this.settings.instanceId,
      trackingDigest: this.trackingDigestOf(trace),
      receiptDigest: trace.receiptDigest,
    });
  }

  /** Waits until the record is durable; if the disk refuses it, it stays buffered and the answer goes anyway. */
  private recordDurably(record: TrafficRecord): Promise<void> {
    return this.sink.recordDurably!(record).catch((error: Error) => {
      this.metrics.ledgerWriteFailed();
      this.log.error({ err: error, exchangeId: record.exchangeId }, 'traffic record could not be synced to the journal before the answer; it stays buffered');
    });
  }
}
