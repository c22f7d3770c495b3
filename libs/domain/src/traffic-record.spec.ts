import { RECORD_LIMITS, trafficRecordFields, trafficRecordOf, trafficRecordProblem, type ExchangeFacts, type FinishedExchange, type RelayTiming, type TrafficRecord } from '@nix/domain';

/** An exchange as a flat list of what the broker learned: the facts, the relay timings and how it ended. */
type Flat = Partial<Omit<FinishedExchange, 'facts'> & Omit<ExchangeFacts, 'relay'> & RelayTiming>;
type End = Pick<FinishedExchange, 'respondedAt' | 'httpStatus' | 'responseBytes' | 'brokerInstance' | 'trackingDigest' | 'receiptDigest'>;

function end(overrides: Partial<End> = {}): End {
  return { respondedAt: 1070, httpStatus: 200, responseBytes: 321, brokerInstance: 'broker-1', trackingDigest: 'digest-of-code', receiptDigest: null, ...overrides };
}

function bare(exchangeId: string, receivedAt: number): Flat {
  return { exchangeId, receivedAt };
}

function trace(fill: Flat = {}): Flat {
  return {
    ...bare('0190f1d2-0000-7000-8000-000000000001', 1000),
    consumer: 'tax-organization',
    registry: 'identity',
    custodian: 'civil-registration',
    service: 'person',
    serviceVersion: '1.0.0',
    purpose: 'taxpayer-registration',
    trackingCode: 'TRK-SECRET-0067749828',
    requestBytes: 64,
    ...fill,
  };
}

function recordOf(t: Flat, e: End): TrafficRecord {
  const { exchangeId, receivedAt, requestBytes, outcome, problemType, dispatchedAt, repliedAt, adapterReceivedAt, adapterRepliedAt, registryMs, adapterInstance, ...facts } = t;
  const relay: RelayTiming | undefined =
    dispatchedAt === undefined
      ? undefined
      : { dispatchedAt, repliedAt: repliedAt ?? null, adapterReceivedAt: adapterReceivedAt ?? null, adapterRepliedAt: adapterRepliedAt ?? null, registryMs: registryMs ?? null, adapterInstance: adapterInstance ?? null };
  return trafficRecordOf({
    exchangeId: exchangeId!,
    receivedAt: receivedAt!,
    requestBytes: requestBytes ?? 0,
    outcome: outcome ?? 'ok',
    problemType: problemType ?? null,
    facts: { ...facts, relay },
    ...e,
  });
}

describe('trafficRecordOf', () => {
  it('splits a replied exchange into broker, transport, adapter and registry time', () => {
    const t = trace({
      dispatchedAt: 1010,
      adapterReceivedAt: 1015,
      adapterRepliedAt: 1045,
      registryMs: 25,
      repliedAt: 1060,
      adapterInstance: 'adapter-1',
      outcome: 'ok',
    });
    const record = recordOf(t, end({ respondedAt: 1070 }));
    // 70 ms in all: 50 waiting for the reply, of which the adapter spent 30, of which the registry 25.
    expect(record).toMatchObject({ brokerMs: 20, transportMs: 20, adapterMs: 5, registryMs: 25 });
    expect(record.brokerMs + record.transportMs! + record.adapterMs! + record.registryMs!).toBe(record.respondedAt - record.receivedAt);
  });

  it('copies the metadata and keeps the digest, never the tracking code', () => {
    const t = trace({ dispatchedAt: 1010, adapterReceivedAt: 1015, adapterRepliedAt: 1045, registryMs: 25, repliedAt: 1060, adapterInstance: 'adapter-1' });
    t.agreement = 'tax-identity-person-1405';
    const record = recordOf(t, end());
    expect(record).toEqual({
      exchangeId: '0190f1d2-0000-7000-8000-000000000001',
      receivedAt: 1000,
      dispatchedAt: 1010,
      adapterReceivedAt: 1015,
      adapterRepliedAt: 1045,
      respondedAt: 1070,
      consumer: 'tax-organization',
      registry: 'identity',
      custodian: 'civil-registration',
      service: 'person',
      serviceVersion: '1.0.0',
      purpose: 'taxpayer-registration',
      agreement: 'tax-identity-person-1405',
      trackingDigest: 'digest-of-code',
      receiptDigest: null,
      outcome: 'ok',
      httpStatus: 200,
      problemType: null,
      requestBytes: 64,
      responseBytes: 321,
      brokerMs: 20,
      transportMs: 20,
      adapterMs: 5,
      registryMs: 25,
      brokerInstance: 'broker-1',
      adapterInstance: 'adapter-1',
    });
    expect(JSON.stringify(record)).not.toContain('TRK-SECRET');
  });

  it('counts the whole wait as transport when the exchange timed out after dispatch', () => {
    const t = trace({ dispatchedAt: 1010, outcome: 'timeout', problemType: 'deadline-exceeded' });
    const record = recordOf(t, end({ respondedAt: 4020, httpStatus: 504 }));
    expect(record).toMatchObject({
      brokerMs: 10,
      transportMs: 3010,
      adapterMs: null,
      registryMs: null,
      adapterReceivedAt: null,
      adapterRepliedAt: null,
      outcome: 'timeout',
      httpStatus: 504,
      problemType: 'deadline-exceeded',
    });
  });

  it('counts a reply that came without adapter timings as transport up to the reply', () => {
    const record = recordOf(trace({ dispatchedAt: 1010, repliedAt: 1050 }), end({ respondedAt: 1070 }));
    expect(record).toMatchObject({ brokerMs: 30, transportMs: 40, adapterMs: null });
  });

  it('gives all the time to the broker when nothing was dispatched', () => {
    const t = trace({ outcome: 'denied', problemType: 'no-agreement' });
    const record = recordOf(t, end({ respondedAt: 1003.5, httpStatus: 403 }));
    expect(record).toMatchObject({
      dispatchedAt: null,
      brokerMs: 3.5,
      transportMs: null,
      adapterMs: null,
      registryMs: null,
      adapterInstance: null,
      outcome: 'denied',
      problemType: 'no-agreement',
    });
  });

  it('records what is known of an exchange refused before authentication', () => {
    const t = bare('x-1', 500);
    const record = recordOf(t, end({ respondedAt: 501, httpStatus: 401, trackingDigest: null }));
    expect(record).toMatchObject({ consumer: null, registry: null, service: null, purpose: null, agreement: null, trackingDigest: null, requestBytes: 0, brokerMs: 1 });
  });

  it('records the outcome it is given, whatever the status', () => {
    expect(recordOf(trace({ outcome: 'over-quota' }), end({ httpStatus: 429 })).outcome).toBe('over-quota');
    expect(recordOf(trace({ outcome: 'not-found' }), end({ httpStatus: 200 })).outcome).toBe('not-found');
    expect(recordOf(trace({ outcome: 'ok' }), end({ httpStatus: 503 })).outcome).toBe('ok');
  });

  it('rounds timings to the microsecond', () => {
    const t = trace({ dispatchedAt: 1010.1234567, adapterReceivedAt: 5.5, adapterRepliedAt: 35.5, registryMs: 25.1234567, repliedAt: 1060.1234567 });
    const record = recordOf(t, end({ respondedAt: 1070.9876543 }));
    expect(record.registryMs).toBe(25.123);
    expect(record.adapterMs).toBe(4.877);
    expect(record.transportMs).toBe(20);
    expect(record.brokerMs).toBe(20.988);
  });

  it('never gives a negative duration when clocks disagree', () => {
    // The adapter's clock says it spent longer than the broker waited, and the registry longer than the adapter.
    const t = trace({ dispatchedAt: 1010, adapterReceivedAt: 0, adapterRepliedAt: 100, registryMs: 150, repliedAt: 1060 });
    const record = recordOf(t, end({ respondedAt: 1070 }));
    expect(record.transportMs).toBe(0);
    expect(record.adapterMs).toBe(0);
    expect(record.brokerMs).toBe(20);

    const reversed = recordOf(trace({ dispatchedAt: 1010, repliedAt: 1000 }), end({ respondedAt: 1070 }));
    expect(reversed.transportMs).toBe(0);
    expect(reversed.brokerMs).toBe(70);
  });
});

describe('trafficRecordOf range checks', () => {
  it('clamps sizes to whole bytes in 0..1 TiB, whatever was counted', () => {
    expect(recordOf(trace({ requestBytes: 3_000_000_000 }), end({ responseBytes: 12.6 }))).toMatchObject({ requestBytes: 3_000_000_000, responseBytes: 13 });
    expect(recordOf(trace({ requestBytes: 2 ** 60 }), end()).requestBytes).toBe(RECORD_LIMITS.maxBytes);
    expect(recordOf(trace({ requestBytes: -5 }), end({ responseBytes: Number.NaN })).requestBytes).toBe(0);
    expect(recordOf(trace(), end({ responseBytes: Number.NaN })).responseBytes).toBe(0);
    expect(recordOf(trace(), end({ responseBytes: Infinity })).responseBytes).toBe(0);
  });

  it('clamps durations to a week and records an impossible status as 500', () => {
    const record = recordOf(trace({ dispatchedAt: 1010, registryMs: 1e12, repliedAt: 1060, adapterReceivedAt: 1015, adapterRepliedAt: 1045 }), end({ httpStatus: 1234 }));
    expect(record.registryMs).toBe(RECORD_LIMITS.maxMs);
    expect(record.httpStatus).toBe(500);
    expect(recordOf(trace(), end({ httpStatus: 99 })).httpStatus).toBe(500);
  });

  it('drops an implausible instant from another clock, and never answers before the request', () => {
    const record = recordOf(trace({ dispatchedAt: 1010, adapterReceivedAt: Number.NaN, adapterRepliedAt: 1e17, repliedAt: 1060 }), end({ respondedAt: 900 }));
    expect(record).toMatchObject({ adapterReceivedAt: null, adapterRepliedAt: null, respondedAt: 1000, dispatchedAt: 1010 });
  });

  it('always builds a record that the writer accepts', () => {
    const t = bare('0190f1d2-0000-7000-8000-000000000009', Date.UTC(2026, 10, 30));
    Object.assign(t, { requestBytes: 3e15, dispatchedAt: t.receivedAt! + 1, adapterReceivedAt: -1, adapterRepliedAt: Infinity, registryMs: -4 });
    expect(trafficRecordProblem(recordOf(t, end({ respondedAt: t.receivedAt! - 50, responseBytes: -1, httpStatus: 0 })))).toBeNull();
  });
});

describe('trafficRecordProblem', () => {
  const at = Date.UTC(2026, 10, 30, 12);
  const good: TrafficRecord = recordOf(Object.assign(bare('0190f1d2-0000-7000-8000-00000000000a', at), { consumer: 'tax-organization', outcome: 'ok' }), end({ respondedAt: at + 5 }));

  it('accepts a record as the broker builds it', () => {
    expect(trafficRecordProblem(good)).toBeNull();
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a size past an int column', { requestBytes: 3_000_000_000_000_000 }, 'requestBytes is outside 0..1099511627776'],
    ['a negative size', { responseBytes: -1 }, 'responseBytes is outside'],
    ['a fractional size', { requestBytes: 1.5 }, 'requestBytes is not a whole number'],
    ['a size as a string', { requestBytes: '12' }, 'requestBytes is not a number'],
    ['a status past smallint', { httpStatus: 40000 }, 'httpStatus is outside 100..599'],
    ['a duration that is not a number', { brokerMs: null }, 'brokerMs is not a number'],
    ['a time past 2200', { receivedAt: 1e15, respondedAt: 1e15 }, 'receivedAt is outside'],
    ['an answer before the request', { respondedAt: at - 1 }, 'respondedAt is before receivedAt'],
    ['a malformed exchange ID', { exchangeId: 'not-a-uuid' }, 'exchangeId is not a UUID'],
    ['an unknown outcome', { outcome: 'exploded' }, 'outcome is not a known outcome'],
    ['a NUL in a text field', { consumer: 'tax\u0000' }, 'consumer holds a NUL character'],
    ['an over-long text', { service: 'x'.repeat(300) }, 'service is longer than 256 characters'],
    ['no broker instance', { brokerInstance: '' }, 'brokerInstance is empty'],
    ['a receipt digest that could hold content', { receiptDigest: 'national id 0067749828' }, 'receiptDigest is not a base64url SHA-256 or null'],
    ['a chain sequence of 0', { ledgerSeq: 0, ledgerPrev: '0'.repeat(64), ledgerHash: 'a'.repeat(64) }, 'ledgerSeq is outside'],
    ['a chain without its previous hash', { ledgerSeq: 2, ledgerHash: 'a'.repeat(64) }, 'ledgerPrev is not a SHA-256 hex digest'],
    ['a chain hash that is not hex', { ledgerSeq: 2, ledgerPrev: '0'.repeat(64), ledgerHash: 'xyz' }, 'ledgerHash is not a SHA-256 hex digest'],
  ])('refuses %s, naming the field', (_case, change, reason) => {
    expect(trafficRecordProblem({ ...good, ...change })).toContain(reason);
  });

  it('accepts a receipt digest, and a record from before receipts that has none', () => {
    expect(trafficRecordProblem({ ...good, receiptDigest: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg' })).toBeNull();
    const { receiptDigest: _none, ...older } = good;
    expect(trafficRecordProblem(older)).toBeNull();
  });

  it('refuses what is not an object', () => {
    expect(trafficRecordProblem(null)).toBe('is not an object');
    expect(trafficRecordProblem([good])).toBe('is not an object');
    expect(trafficRecordProblem('{}')).toBe('is not an object');
  });

  it('accepts a chained record, and keeps its chain with a bad one (its sequence stays accounted for)', () => {
    const chained = { ...good, ledgerSeq: 7, ledgerPrev: '0'.repeat(64), ledgerHash: 'a'.repeat(64) };
    expect(trafficRecordProblem(chained)).toBeNull();
    expect(trafficRecordFields({ ...chained, requestBytes: -1 })).toEqual({ ...chained, requestBytes: -1 });
  });

  it('keeps only the known fields of a bad record', () => {
    expect(trafficRecordFields({ ...good, requestBytes: -1, nationalId: '0067749828' })).toEqual({ ...good, requestBytes: -1 });
    expect(trafficRecordFields(42)).toBeNull();
  });
});
