import { LiveCatalog, ServiceCatalog } from '@nix/catalog';
import { loadContracts, type ContractSet } from '@nix/contracts';
import { ProblemError, type Clock, type InquiryMessage, type InquiryReply } from '@nix/domain';
import { DeadlineExceededError, NoAdapterError, type InquiryDispatcher } from '@nix/messaging';
import { BreakerOpenError } from '@nix/resilience';
import { accessServiceOf } from '../testing';
import { NodeKeyHasher } from '../access/key-hasher';
import { InquiryRefusal, InquiryService, type InquiryCall, type InquiryResult } from './inquiry.service';

const catalog = ServiceCatalog.load('schemas');
const hasher = new NodeKeyHasher('tracking-key');
const PERSON = { nationalId: '0067749828', birthDate: '1988-03-21' };
const FULL_PERSON = { firstName: 'زهرا', lastName: 'محمدی', fatherName: 'علی', gender: 'female', birthDate: '1988-03-21', birthDateJalali: '1367-01-01', alive: true, deathDate: null };

class FakeClock implements Clock {
  at = Date.UTC(2026, 5, 1, 9);
  now(): number {
    return (this.at += 5);
  }
}

/** Answers as told, and keeps what it was sent. */
class FakeDispatcher implements InquiryDispatcher {
  sent: InquiryMessage[] = [];
  reply: (message: InquiryMessage) => Promise<InquiryReply> = async (message) => replyOf(message, 'ok', FULL_PERSON);
  served: () => Promise<void> = async () => undefined;

  dispatch(_address: string, message: InquiryMessage): Promise<InquiryReply> {
    this.sent.push(message);
    return this.reply(message);
  }
  ensureServed(): Promise<void> {
    return this.served();
  }
}

function replyOf(message: InquiryMessage, status: InquiryReply['status'], answer?: Record<string, unknown>, detail?: string): InquiryReply {
  return { exchangeId: message.exchangeId, status, answer, detail, adapterInstance: 'adapter-1', adapterReceivedAt: 100, adapterRepliedAt: 130, registryMs: 20 };
}

/** The real contracts, with a key for the tax organization and a daily quota of 1 on its person agreement. */
function contracts(): ContractSet {
  const set = loadContracts('contracts', catalog, { production: false });
  return {
    ...set,
    apiKeys: [...set.apiKeys, { agencyId: 'tax-organization', keyId: 'tax-test', sha256: hasher.apiKeyHash('tax-key'), networks: null, expires: null }],
    agreements: set.agreements.map((a) => (a.id === 'tax-identity-person-1405' ? { ...a, dailyQuota: 1 } : a)),
  };
}

function setUp(guard: <T>(registry: string, operation: () => Promise<T>) => Promise<T> = (_registry, operation) => operation()) {
  const dispatcher = new FakeDispatcher();
  const errors: unknown[] = [];
  const service = new InquiryService(new LiveCatalog(catalog), dispatcher, new FakeClock(), { error: (fields: object) => void errors.push(fields) }, accessServiceOf(contracts(), hasher), { guard });
  return { service, dispatcher, errors };
}

function call(overrides: Partial<InquiryCall> = {}): InquiryCall {
  return {
    exchangeId: '0190f1d2-0000-7000-8000-000000000001',
    registry: 'identity',
    service: 'person',
    authorization: 'Bearer demo-key',
    purpose: 'demo',
    trackingCode: undefined,
    clientIp: '127.0.0.1',
    headers: {},
    body: PERSON,
    ...overrides,
  };
}

async function refusalOf(promise: Promise<InquiryResult>): Promise<InquiryRefusal> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InquiryRefusal);
  return error as InquiryRefusal;
}

describe('InquiryService', () => {
  it('answers with only the agreed data items, the quota left, and every fact the record needs', async () => {
    const { service, dispatcher } = setUp();
    const result = await service.inquire(call({ authorization: 'Bearer tax-key', purpose: 'taxpayer-registration', trackingCode: 'TRK-1' }));
    expect(result.answer).toEqual({ firstName: 'زهرا', lastName: 'محمدی', fatherName: 'علی', birthDate: '1988-03-21', alive: true });
    expect([result.quotaLimit, result.quotaRemaining]).toEqual([1, 0]);
    expect(result.facts).toEqual({
      registry: 'identity',
      service: 'person',
      serviceVersion: expect.any(String),
      custodian: 'civil-registration',
      consumer: 'tax-organization',
      trackingCode: 'TRK-1',
      purpose: 'taxpayer-registration',
      agreement: 'tax-identity-person-1405',
      relay: { dispatchedAt: expect.any(Number), repliedAt: expect.any(Number), adapterReceivedAt: 100, adapterRepliedAt: 130, registryMs: 20, adapterInstance: 'adapter-1' },
    });
    expect(result.facts.relay!.repliedAt).toBeGreaterThan(result.facts.relay!.dispatchedAt);
    expect(dispatcher.sent).toEqual([
      expect.objectContaining({ exchangeId: '0190f1d2-0000-7000-8000-000000000001', consumer: 'tax-organization', purpose: 'taxpayer-registration', trackingCode: 'TRK-1', body: PERSON }),
    ]);
    const sent = dispatcher.sent[0];
    expect(sent.deadline).toBeGreaterThan(Date.UTC(2026, 5, 1, 9));
  });

  it.each<[string, Partial<InquiryCall>, number, string]>([
    ['an uncatalogued service', { service: 'nothing' }, 404, 'unknown-service'],
    ['no API key', { authorization: undefined }, 401, 'unauthenticated'],
    ['a wrong API key', { authorization: 'Bearer nope' }, 401, 'unauthenticated'],
    ['a relay header', { headers: { 'x-on-behalf-of': 'police' } }, 403, 'relay-forbidden'],
    ['a malformed tracking code', { trackingCode: 'has space' }, 400, 'invalid-request'],
    ['a service outside the agreements', { authorization: 'Bearer tax-key', purpose: 'taxpayer-registration', registry: 'vehicle', service: 'vehicle', body: { plate: '12ب345-67' } }, 403, 'no-agreement'],
    ['no purpose', { purpose: undefined }, 400, 'purpose-required'],
    ['a purpose not agreed', { purpose: 'curiosity' }, 403, 'purpose-not-agreed'],
    ['a body against the schema', { body: { nationalId: '123' } }, 400, 'invalid-request'],
    ['no body', { body: undefined }, 400, 'invalid-request'],
  ])('refuses %s with %i %s, before anything is dispatched', async (_name, overrides, status, problemType) => {
    const { service, dispatcher } = setUp();
    const refusal = await refusalOf(service.inquire(call(overrides)));
    expect([refusal.status, refusal.problemType]).toEqual([status, problemType]);
    expect(refusal).toBeInstanceOf(ProblemError);
    expect(dispatcher.sent).toEqual([]);
    expect(refusal.facts.relay).toBeUndefined();
    expect(refusal.facts.agreement).toBeUndefined();
  });

  it('keeps in a refusal only what was learned before it: catalogued, authenticated and agreed values', async () => {
    const { service } = setUp();
    expect((await refusalOf(service.inquire(call({ service: 'nothing' })))).facts).toEqual({});
    expect((await refusalOf(service.inquire(call({ authorization: undefined })))).facts).toEqual({ registry: 'identity', service: 'person', serviceVersion: expect.any(String), custodian: 'civil-registration' });
    const notAgreed = await refusalOf(service.inquire(call({ purpose: 'curiosity', trackingCode: 'TRK-2' })));
    expect(notAgreed.facts).toMatchObject({ consumer: 'demo-agency', trackingCode: 'TRK-2' });
    expect(notAgreed.facts.purpose).toBeUndefined();
    const invalid = await refusalOf(service.inquire(call({ body: { nationalId: '123' } })));
    expect(invalid.facts).toMatchObject({ consumer: 'demo-agency', purpose: 'demo' });
    expect(invalid.extras.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/nationalId' })]));
  });

  it('refuses an inquiry past the daily quota with 429, once the agreement is known', async () => {
    const { service } = setUp();
    const tax = call({ authorization: 'Bearer tax-key', purpose: 'taxpayer-registration' });
    await service.inquire(tax);
    const refusal = await refusalOf(service.inquire(tax));
    expect([refusal.status, refusal.problemType, refusal.outcome]).toEqual([429, 'quota-exceeded', 'over-quota']);
    expect(refusal.extras.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('refuses at once with 503 and Retry-After while the registry’s breaker is open', async () => {
    const { service, dispatcher } = setUp(() => Promise.reject(new BreakerOpenError('identity', 7)));
    const refusal = await refusalOf(service.inquire(call()));
    expect([refusal.status, refusal.problemType, refusal.extras.retryAfterSeconds]).toEqual([503, 'registry-unavailable', 7]);
    expect(dispatcher.sent).toEqual([]);
    expect(refusal.facts).toMatchObject({ agreement: 'demo-identity-person', relay: { adapterInstance: null } });
  });

  it('answers 503 no-adapter with Retry-After, and dispatches nothing, when no adapter serves the registry', async () => {
    const { service, dispatcher } = setUp();
    dispatcher.served = () => Promise.reject(new NoAdapterError('inquiry.identity.v1'));
    const refusal = await refusalOf(service.inquire(call()));
    expect([refusal.status, refusal.problemType, refusal.extras.retryAfterSeconds]).toEqual([503, 'no-adapter', 5]);
    expect(dispatcher.sent).toEqual([]);
    expect(refusal.facts.relay).toBeUndefined();
  });

  it('answers 504 when the registry misses the deadline, with the wait timed', async () => {
    const { service, dispatcher } = setUp();
    dispatcher.reply = () => Promise.reject(new DeadlineExceededError(3000));
    const refusal = await refusalOf(service.inquire(call()));
    expect([refusal.status, refusal.problemType, refusal.outcome]).toEqual([504, 'deadline-exceeded', 'timeout']);
    expect(refusal.facts.relay).toEqual({ dispatchedAt: expect.any(Number), repliedAt: expect.any(Number), adapterReceivedAt: null, adapterRepliedAt: null, registryMs: null, adapterInstance: null });
  });

  it.each<[string, (message: InquiryMessage) => InquiryReply, number, string, string]>([
    ['holds no record', (m) => replyOf(m, 'not-found'), 404, 'record-not-found', 'not-found'],
    ['rejects the inquiry', (m) => replyOf(m, 'rejected', undefined, 'no such plate series'), 400, 'invalid-request', 'invalid'],
    ['fails', (m) => replyOf(m, 'provider-error', undefined, 'database down'), 503, 'provider-error', 'provider-error'],
    ['answers outside its schema', (m) => replyOf(m, 'ok', { firstName: 'x', nationalId: '0067749828' }), 503, 'provider-error', 'provider-error'],
  ])('when the registry %s, refuses with %i %s and keeps the adapter’s timings', async (_name, reply, status, problemType, outcome) => {
    const { service, dispatcher, errors } = setUp();
    dispatcher.reply = async (message) => reply(message);
    const refusal = await refusalOf(service.inquire(call()));
    expect([refusal.status, refusal.problemType, refusal.outcome]).toEqual([status, problemType, outcome]);
    expect(refusal.facts).toMatchObject({ consumer: 'demo-agency', agreement: 'demo-identity-person', relay: { adapterInstance: 'adapter-1', registryMs: 20 } });
    expect(JSON.stringify(refusal.toDetails())).not.toContain('0067749828');
    expect(errors).toHaveLength(problemType === 'provider-error' && _name.includes('schema') ? 1 : 0);
  });

  it('answers 503 registry-unavailable when the transport fails for a reason it does not name', async () => {
    const { service, dispatcher } = setUp();
    dispatcher.reply = () => Promise.reject(new TypeError('socket gone'));
    expect((await refusalOf(service.inquire(call()))).problemType).toBe('registry-unavailable');
  });
});
