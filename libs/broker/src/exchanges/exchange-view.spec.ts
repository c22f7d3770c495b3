import { ProblemError } from '@nix/domain';
import { exchangeIdOf, exchangeNotFound, exchangeViewOf, maySee, trackingCodeOf, uuidV7Time, type StoredExchange } from './exchange-view';

const T0 = Date.UTC(2026, 10, 30, 8, 0, 0);
const STORED: StoredExchange = {
  exchangeId: '0190f1d2-0000-7000-8000-000000000001',
  receivedAt: T0,
  dispatchedAt: T0 + 2,
  adapterReceivedAt: T0 + 3,
  adapterRepliedAt: T0 + 9,
  respondedAt: T0 + 11,
  consumer: 'tax-organization',
  registry: 'identity',
  custodian: 'civil-registration',
  service: 'person',
  serviceVersion: '1.2.0',
  purpose: 'tax-assessment',
  agreement: 'tax-identity-person',
  receiptDigest: 'x'.repeat(43),
  outcome: 'ok',
  httpStatus: 200,
  problemType: null,
  totalMs: 11,
  brokerMs: 4,
  transportMs: 1,
  adapterMs: 1,
  registryMs: 5,
};

describe('exchange views (R9)', () => {
  it('lists the steps that happened, in order, as ISO instants', () => {
    const view = exchangeViewOf(STORED);
    expect(view.steps).toEqual([
      { step: 'received', at: '2026-11-30T08:00:00.000Z' },
      { step: 'dispatched', at: '2026-11-30T08:00:00.002Z' },
      { step: 'adapter-received', at: '2026-11-30T08:00:00.003Z' },
      { step: 'adapter-replied', at: '2026-11-30T08:00:00.009Z' },
      { step: 'responded', at: '2026-11-30T08:00:00.011Z' },
    ]);
    expect(view).toMatchObject({ status: 200, outcome: 'ok', agreement: 'tax-identity-person', receiptDigest: 'x'.repeat(43) });
    const refused = exchangeViewOf({ ...STORED, dispatchedAt: null, adapterReceivedAt: null, adapterRepliedAt: null, outcome: 'denied', httpStatus: 403 });
    expect(refused.steps.map((s) => s.step)).toEqual(['received', 'responded']);
  });

  it('lets the consumer, the custodian and the working group see an exchange, and no one else', () => {
    expect(maySee({ agencyId: 'tax-organization', roles: ['consumer'] }, STORED)).toBe(true);
    expect(maySee({ agencyId: 'civil-registration', roles: ['provider'] }, STORED)).toBe(true);
    expect(maySee({ agencyId: 'iwg', roles: ['working-group'] }, STORED)).toBe(true);
    expect(maySee({ agencyId: 'police', roles: ['consumer', 'provider'] }, STORED)).toBe(false);
  });

  it('names a malformed exchange ID or tracking code', () => {
    expect(exchangeIdOf('0190F1D2-0000-7000-8000-00000000000A')).toBe('0190f1d2-0000-7000-8000-00000000000a');
    const error = (() => {
      try {
        exchangeIdOf('12');
      } catch (e) {
        return e as ProblemError;
      }
    })();
    expect(error?.status).toBe(400);
    expect(error?.extras.errors).toEqual([{ pointer: 'path:exchangeId', detail: 'is not a UUID' }]);
    expect(() => trackingCodeOf(undefined)).toThrow(ProblemError);
    expect(() => trackingCodeOf(['a', 'b'])).toThrow(ProblemError);
    expect(() => trackingCodeOf('x'.repeat(65))).toThrow(ProblemError);
    expect(trackingCodeOf('CASE-1402/7')).toBe('CASE-1402/7');
  });

  it('reads the instant of a UUIDv7, and says of a recent one only that it may not be stored yet', () => {
    expect(uuidV7Time('0190f1d2-0000-7000-8000-000000000001')).toBe(0x0190f1d20000);
    expect(uuidV7Time('0190f1d2-0000-4000-8000-000000000001')).toBeNull();
    const id = '0190f1d2-0000-7000-8000-000000000001';
    expect(exchangeNotFound(id, 0x0190f1d20000 + 1000).extras.retryAfterSeconds).toBe(2);
    expect(exchangeNotFound(id, 0x0190f1d20000 + 120_000).extras.retryAfterSeconds).toBeUndefined();
    expect(exchangeNotFound(id, 0x0190f1d20000 + 120_000).status).toBe(404);
  });
});
