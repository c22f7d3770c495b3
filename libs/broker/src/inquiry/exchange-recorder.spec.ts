import { ANSWERED, type Clock, type ExchangeIdGenerator, type TrafficRecord } from '@nix/domain';
import type { TrafficSink } from '@nix/ledger';
import { ExchangeRecorder, type ExchangeLog } from './exchange-recorder';

class FakeClock implements Clock {
  at = 1_000;
  now(): number {
    return this.at;
  }
}

class SequentialIds implements ExchangeIdGenerator {
  private n = 0;
  next(): string {
    return `0190f1d2-0000-7000-8000-${String(++this.n).padStart(12, '0')}`;
  }
}

class MemorySink implements TrafficSink {
  records: TrafficRecord[] = [];
  durable: TrafficRecord[] = [];
  failDurably = false;
  record(record: TrafficRecord): void {
    this.records.push(record);
  }
  async recordDurably(record: TrafficRecord): Promise<void> {
    if (this.failDurably) throw new Error('disk full');
    this.durable.push(record);
  }
  async flush(): Promise<void> {}
}

class CountingMetrics {
  inFlight = 0;
  recordedOutcomes: string[] = [];
  writeFailures = 0;
  started(): void {
    this.inFlight++;
  }
  ended(): void {
    this.inFlight--;
  }
  recorded(record: TrafficRecord): void {
    this.recordedOutcomes.push(record.outcome);
  }
  ledgerWriteFailed(): void {
    this.writeFailures++;
  }
}

class MemoryLog implements ExchangeLog {
  lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  info(fields: object, message: string): void {
    this.lines.push({ level: 'info', fields: fields as Record<string, unknown>, message });
  }
  error(fields: object, message: string): void {
    this.lines.push({ level: 'error', fields: fields as Record<string, unknown>, message });
  }
}

function setUp(logExchanges = false) {
  const clock = new FakeClock();
  const sink = new MemorySink();
  const metrics = new CountingMetrics();
  const log = new MemoryLog();
  const hasher = { trackingDigest: (consumer: string, code: string) => `digest(${consumer},${code.length})` };
  const recorder = new ExchangeRecorder(clock, new SequentialIds(), sink, metrics, hasher, { instanceId: 'broker-1', logExchanges }, log);
  return { clock, sink, metrics, log, recorder };
}

describe('ExchangeRecorder', () => {
  it('records an answered exchange once, with the outcome set explicitly and the tracking code only as a digest', () => {
    const { clock, sink, metrics, recorder } = setUp();
    const trace = recorder.begin();
    expect(metrics.inFlight).toBe(1);
    trace.requestBytes = 40;
    trace.responseBytes = 200;
    trace.settle({ consumer: 'tax-organization', registry: 'identity', service: 'person', trackingCode: 'TRK-SECRET-1' }, ANSWERED);
    clock.at = 1_025;
    void recorder.finish(trace, { httpStatus: 200, durably: false });
    void recorder.finish(trace, { httpStatus: 200, durably: false });
    expect(sink.records).toHaveLength(1);
    expect(sink.records[0]).toMatchObject({
      exchangeId: trace.exchangeId,
      receivedAt: 1_000,
      respondedAt: 1_025,
      consumer: 'tax-organization',
      outcome: 'ok',
      problemType: null,
      httpStatus: 200,
      requestBytes: 40,
      responseBytes: 200,
      brokerMs: 25,
      brokerInstance: 'broker-1',
      trackingDigest: 'digest(tax-organization,12)',
    });
    expect(JSON.stringify(sink.records[0])).not.toContain('TRK-SECRET');
    expect(metrics).toMatchObject({ inFlight: 0, recordedOutcomes: ['ok'] });
  });

  it('records the problem an exchange refused at the edge ended with, and no consumer', () => {
    const { sink, recorder } = setUp();
    const trace = recorder.begin();
    trace.outcome = 'invalid';
    trace.problemType = 'payload-too-large';
    void recorder.finish(trace, { httpStatus: 413, durably: false });
    expect(sink.records[0]).toMatchObject({ outcome: 'invalid', problemType: 'payload-too-large', httpStatus: 413, consumer: null, trackingDigest: null });
  });

  it('never infers success from the status: an exchange that ended with neither answer nor problem is a logged broker error', () => {
    const { sink, log, recorder } = setUp();
    void recorder.finish(recorder.begin(), { httpStatus: 200, durably: false });
    expect(sink.records[0]).toMatchObject({ outcome: 'broker-error', httpStatus: 200 });
    expect(log.lines).toEqual([expect.objectContaining({ level: 'info', message: 'exchange', fields: expect.objectContaining({ outcome: 'broker-error' }) })]);
  });

  it('logs every exchange when told to, with no tracking code', () => {
    const { log, recorder } = setUp(true);
    const trace = recorder.begin();
    trace.settle({ consumer: 'demo-agency', registry: 'goods', service: 'goods', trackingCode: 'TRK-SECRET-2' }, ANSWERED);
    void recorder.finish(trace, { httpStatus: 200, durably: false });
    expect(log.lines.map((l) => l.fields)).toEqual([expect.objectContaining({ consumer: 'demo-agency', registry: 'goods', outcome: 'ok', httpStatus: 200 })]);
    expect(JSON.stringify(log.lines)).not.toContain('TRK-SECRET');
  });

  it('hands a durable answer’s record to recordDurably, and when the disk refuses it keeps it buffered, counts and logs the failure', async () => {
    const { sink, metrics, log, recorder } = setUp();
    const first = recorder.begin();
    first.settle({}, ANSWERED);
    await recorder.finish(first, { httpStatus: 200, durably: true });
    expect([sink.durable.length, sink.records.length]).toEqual([1, 0]);

    sink.failDurably = true;
    const second = recorder.begin();
    second.settle({}, ANSWERED);
    await expect(recorder.finish(second, { httpStatus: 200, durably: true })).resolves.toBeUndefined();
    expect(metrics.writeFailures).toBe(1);
    expect(log.lines).toEqual([expect.objectContaining({ level: 'error', fields: expect.objectContaining({ exchangeId: second.exchangeId }) })]);
  });

  describe('drain', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('resolves true at once when nothing is in flight', async () => {
      await expect(setUp().recorder.drain(1_000)).resolves.toBe(true);
    });

    it('waits for every exchange in flight to be recorded', async () => {
      const { recorder } = setUp();
      const a = recorder.begin();
      const b = recorder.begin();
      let drained: boolean | undefined;
      void recorder.drain(10_000).then((result) => (drained = result));
      void recorder.finish(a, { httpStatus: 200, durably: false });
      await jest.advanceTimersByTimeAsync(5_000);
      expect(drained).toBeUndefined();
      void recorder.finish(b, { httpStatus: 200, durably: false });
      await jest.advanceTimersByTimeAsync(0);
      expect(drained).toBe(true);
      expect(recorder.inFlightCount).toBe(0);
    });

    it('gives up after its timeout, with the exchange still in flight', async () => {
      const { recorder } = setUp();
      const stuck = recorder.begin();
      let drained: boolean | undefined;
      void recorder.drain(2_000).then((result) => (drained = result));
      await jest.advanceTimersByTimeAsync(1_999);
      expect(drained).toBeUndefined();
      await jest.advanceTimersByTimeAsync(1);
      expect(drained).toBe(false);
      expect(recorder.inFlightCount).toBe(1);
      // A later record still goes to the sink, and a new drain sees nothing in flight.
      void recorder.finish(stuck, { httpStatus: 504, durably: false });
      await expect(recorder.drain(1)).resolves.toBe(true);
    });

    it('no longer waits for an exchange whose connection closed unanswered, and still records it should an answer go out', async () => {
      const { sink, metrics, recorder } = setUp();
      const gone = recorder.begin();
      recorder.disconnected(gone);
      expect(metrics.inFlight).toBe(0);
      await expect(recorder.drain(1_000)).resolves.toBe(true);
      void recorder.finish(gone, { httpStatus: 200, durably: false });
      recorder.disconnected(gone);
      expect([sink.records.length, metrics.inFlight]).toEqual([1, 0]);
    });
  });
});
