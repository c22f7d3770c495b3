import type { Clock, InquiryMessage, InquiryReply } from '@nix/domain';
import { RegistryAnswerError, RegistryHttpError } from '../http/registry-http-client';
import { AdapterHost, type BackendGuard } from './adapter-host';
import { exchangeHeaders, InquiryRejectedError, RecordNotFoundError, type BackendRequest, type RegistryAdapter, type RegistryCall } from './registry-adapter';

const T0 = Date.UTC(2026, 0, 15, 9);

/** A clock the test moves. */
class FakeClock implements Clock {
  constructor(public at = T0) {}
  now(): number {
    return this.at;
  }
}

/** An adapter whose backend call the test decides: it answers, fails, or waits for the abort signal. */
class ScriptedAdapter implements RegistryAdapter {
  readonly registry = 'identity';
  readonly services = ['person'] as const;
  backend: (signal: AbortSignal) => Promise<unknown> = async () => ({ firstName: 'Zahra' });
  after: (record: unknown) => Record<string, unknown> = (record) => record as Record<string, unknown>;
  calls = 0;
  readonly requests: BackendRequest[] = [];

  constructor(private readonly clock?: FakeClock) {}

  async answer(_service: string, _body: Record<string, unknown>, call: RegistryCall): Promise<Record<string, unknown>> {
    const record = await call(async (request) => {
      this.calls++;
      this.requests.push(request);
      if (this.clock) this.clock.at += 7;
      return this.backend(request.signal);
    });
    return this.after(record);
  }
}

function inquiry(change: Partial<InquiryMessage> = {}): InquiryMessage {
  return {
    exchangeId: '0190f1d2-0000-7000-8000-000000000001',
    registry: 'identity',
    service: 'person',
    version: '1.0.0',
    consumer: 'tax-organization',
    purpose: 'tax-assessment',
    deadline: T0 + 2000,
    body: { nationalId: '0067749828', birthDate: '1988-03-21' },
    ...change,
  };
}

async function replied(host: AdapterHost, message: InquiryMessage): Promise<InquiryReply> {
  const reply = await host.handle(message);
  if (reply === null) throw new Error('the host dropped an inquiry whose deadline had not passed');
  return reply;
}

describe('AdapterHost', () => {
  let clock: FakeClock;
  let adapter: ScriptedAdapter;
  let host: AdapterHost;

  beforeEach(() => {
    clock = new FakeClock();
    adapter = new ScriptedAdapter(clock);
    host = new AdapterHost([{ adapter }], 'adapter-1', clock);
  });

  it('replies ok with the answer, the exchange, its instance and the clock’s timings', async () => {
    const reply = await replied(host, inquiry());
    expect(reply).toMatchObject({
      exchangeId: '0190f1d2-0000-7000-8000-000000000001',
      status: 'ok',
      answer: { firstName: 'Zahra' },
      adapterInstance: 'adapter-1',
      adapterReceivedAt: T0,
      adapterRepliedAt: T0 + 7,
    });
    expect(reply.detail).toBeUndefined();
    expect(reply.registryMs).toBeGreaterThanOrEqual(0);
  });

  it("gives every backend call the exchange's ID and the consumer's tracking code, for the registry's headers (R9)", async () => {
    await replied(host, inquiry({ trackingCode: 'TRK-1402-77' }));
    await replied(host, inquiry({ exchangeId: '0190f1d2-0000-7000-8000-000000000002' }));
    expect(adapter.requests.map(({ exchangeId, trackingCode }) => ({ exchangeId, trackingCode }))).toEqual([
      { exchangeId: '0190f1d2-0000-7000-8000-000000000001', trackingCode: 'TRK-1402-77' },
      { exchangeId: '0190f1d2-0000-7000-8000-000000000002', trackingCode: undefined },
    ]);
    expect(exchangeHeaders(adapter.requests[0])).toEqual({ 'x-nix-exchange-id': '0190f1d2-0000-7000-8000-000000000001', 'x-nix-tracking-code': 'TRK-1402-77' });
    expect(exchangeHeaders(adapter.requests[1])).toEqual({ 'x-nix-exchange-id': '0190f1d2-0000-7000-8000-000000000002' });
  });

  it('maps RecordNotFoundError to not-found, with no answer', async () => {
    adapter.after = () => {
      throw new RecordNotFoundError();
    };
    const reply = await replied(host, inquiry());
    expect(reply.status).toBe('not-found');
    expect(reply.answer).toBeUndefined();
  });

  it('maps InquiryRejectedError to rejected, carrying its reason', async () => {
    adapter.after = () => {
      throw new InquiryRejectedError('the plate is not in the registry’s format');
    };
    expect(await replied(host, inquiry())).toMatchObject({ status: 'rejected', detail: 'the plate is not in the registry’s format' });
  });

  it.each([
    ['an HTTP status', new RegistryHttpError(503, 'registry answered HTTP 503'), 'the registry answered HTTP 503'],
    ['an unreadable answer', new RegistryAnswerError('birthDate'), 'the registry\'s answer has no readable "birthDate"'],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:443 for 0067749828'), { code: 'ECONNREFUSED' }), 'the registry could not be reached (ECONNREFUSED)'],
    ['an open breaker', Object.assign(new Error('open'), { name: 'BreakerOpenError' }), 'the registry backend is failing and its circuit is open'],
    ['anything else', new Error('national ID 0067749828 broke the parser'), 'the registry backend failed'],
  ])('maps a backend failure (%s) to provider-error with a reason that carries no data', async (_kind, error, detail) => {
    adapter.backend = async () => {
      throw error;
    };
    const reply = await replied(host, inquiry());
    expect(reply).toMatchObject({ status: 'provider-error', detail });
    expect(reply.detail).not.toContain('0067749828');
  });

  it('refuses a registry or service it does not host, without calling a backend', async () => {
    expect(await replied(host, inquiry({ service: 'marriage' }))).toMatchObject({ status: 'provider-error', detail: 'this adapter does not serve identity/marriage' });
    expect(await replied(host, inquiry({ registry: 'cadastre', service: 'parcel' }))).toMatchObject({ status: 'provider-error', detail: 'this adapter does not serve cadastre/parcel' });
    expect(adapter.calls).toBe(0);
  });

  it('drops an inquiry whose deadline has passed by the clock, without calling the backend', async () => {
    clock.at = T0 + 2000;
    expect(await host.handle(inquiry())).toBeNull();
    expect(adapter.calls).toBe(0);
  });

  it('drops an inquiry whose backend call outlives the deadline: the call is aborted', async () => {
    let aborted = false;
    adapter.backend = (signal) =>
      new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => {
          aborted = true;
          reject(signal.reason as Error);
        }),
      );
    expect(await host.handle(inquiry({ deadline: T0 + 30 }))).toBeNull();
    expect(aborted).toBe(true);
  });

  it('drops an inquiry whose backend fails after the deadline, though it never asked for the abort signal', async () => {
    const failing = new (class extends ScriptedAdapter {
      override async answer(_service: string, _body: Record<string, unknown>, call: RegistryCall): Promise<Record<string, unknown>> {
        return call(async () => {
          clock.at = T0 + 2000;
          throw new RegistryHttpError(503, 'registry answered 503');
        });
      }
    })();
    expect(await new AdapterHost([{ adapter: failing }], 'adapter-3', clock).handle(inquiry())).toBeNull();
    // The same failure before the deadline is the registry's.
    clock.at = T0;
    const early = new (class extends ScriptedAdapter {
      override async answer(_service: string, _body: Record<string, unknown>, call: RegistryCall): Promise<Record<string, unknown>> {
        return call(async () => {
          throw new RegistryHttpError(503, 'registry answered 503');
        });
      }
    })();
    expect(await replied(new AdapterHost([{ adapter: early }], 'adapter-4', clock), inquiry())).toMatchObject({ status: 'provider-error' });
  });

  it('runs every backend call through the adapter’s guard, and reports what the guard throws', async () => {
    const guarded: string[] = [];
    const guard: BackendGuard = async (operation) => {
      guarded.push('call');
      if (guarded.length > 1) throw Object.assign(new Error('open'), { name: 'BreakerOpenError' });
      return operation();
    };
    const plain = new ScriptedAdapter();
    const guardedHost = new AdapterHost([{ adapter: plain, guard }], 'adapter-2', clock);
    expect((await replied(guardedHost, inquiry())).status).toBe('ok');
    expect(await replied(guardedHost, inquiry())).toMatchObject({ status: 'provider-error', detail: 'the registry backend is failing and its circuit is open' });
    expect(guarded).toEqual(['call', 'call']);
    expect(plain.calls).toBe(1);
  });
});
