import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { ExchangeTrace, ProblemError } from '@nix/domain';
import { ClientCertificates } from '@nix/platform';
import type { Logger } from 'pino';
import type { ExchangeHooks } from './exchange-hooks';
import { InquiryRoute } from './inquiry.route';
import { InquiryRefusal, type InquiryCall, type InquiryResult, type InquiryService } from './inquiry.service';

/** An inquiry service whose answer the test decides, and which keeps the calls it got. */
class ScriptedInquiries implements Pick<InquiryService, 'inquire'> {
  readonly calls: InquiryCall[] = [];
  answer: (call: InquiryCall) => Promise<InquiryResult> = async () => ({
    answer: { alive: true },
    quotaRemaining: 9,
    quotaLimit: 10,
    headers: { 'x-service-version': '1.2.0' },
    facts: { consumer: 'tax-organization', registry: 'identity', service: 'person' },
  });

  inquire(call: InquiryCall): Promise<InquiryResult> {
    this.calls.push(call);
    return this.answer(call);
  }
}

/** The exchange hooks' part the route uses: an exchange started, as on arrival, and known to the request. */
class StartedExchanges implements Pick<ExchangeHooks, 'begin'> {
  readonly traces: ExchangeTrace[] = [];
  begin(request: FastifyRequest): ExchangeTrace {
    const trace = new ExchangeTrace(`exchange-${this.traces.length + 1}`, 0);
    request.exchange = trace;
    this.traces.push(trace);
    return trace;
  }
}

class RecordingLogger {
  readonly errors: object[] = [];
  error(fields: object): void {
    this.errors.push(fields);
  }
}

describe('InquiryRoute (POST /v1/inquiries/:registry/:service on Fastify)', () => {
  let fastify: FastifyInstance;
  let inquiries: ScriptedInquiries;
  let exchanges: StartedExchanges;
  let logger: RecordingLogger;

  beforeEach(async () => {
    inquiries = new ScriptedInquiries();
    exchanges = new StartedExchanges();
    logger = new RecordingLogger();
    fastify = Fastify();
    fastify.decorateRequest('exchange', null);
    new InquiryRoute(inquiries as unknown as InquiryService, exchanges as unknown as ExchangeHooks, new ClientCertificates(false), logger as unknown as Logger).register(fastify);
    await fastify.ready();
  });
  afterEach(() => fastify.close());

  const post = (body: unknown = { nationalId: '0067749828' }) =>
    fastify.inject({
      method: 'POST',
      url: '/v1/inquiries/identity/person',
      headers: { authorization: 'Bearer k', 'x-purpose': 'tax-assessment', 'x-tracking-code': 'TRK-1' },
      payload: body as object,
    });

  it('answers 200 with the answer and its headers, and settles the exchange as answered', async () => {
    const response = await post();
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ alive: true });
    expect(response.headers).toMatchObject({ 'cache-control': 'no-store', 'x-quota-limit': '10', 'x-quota-remaining': '9', 'x-service-version': '1.2.0' });
    expect(inquiries.calls[0]).toMatchObject({
      exchangeId: 'exchange-1',
      registry: 'identity',
      service: 'person',
      authorization: 'Bearer k',
      purpose: 'tax-assessment',
      trackingCode: 'TRK-1',
      body: { nationalId: '0067749828' },
    });
    expect(exchanges.traces[0]).toMatchObject({ outcome: 'ok', facts: { consumer: 'tax-organization' } });
  });

  it('answers a refusal as its problem, and keeps what was learned in the exchange', async () => {
    inquiries.answer = async () => {
      throw new InquiryRefusal(new ProblemError('no-agreement', 'No agreement covers this.'), { consumer: 'tax-organization', registry: 'identity' });
    };
    const response = await post();
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ type: '/problems/no-agreement', exchangeId: 'exchange-1' });
    expect(exchanges.traces[0]).toMatchObject({ outcome: 'denied', problemType: 'no-agreement', facts: { consumer: 'tax-organization' } });
  });

  it('answers an unexpected failure as a logged 500 internal-error problem, never with its message', async () => {
    inquiries.answer = async () => {
      throw new Error('secret detail of the failure');
    };
    const response = await post();
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ type: '/problems/internal-error', exchangeId: 'exchange-1' });
    expect(response.body).not.toContain('secret detail');
    expect(logger.errors).toHaveLength(1);
  });
});
