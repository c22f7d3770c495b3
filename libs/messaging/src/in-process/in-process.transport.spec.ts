import type { Clock, InquiryMessage, InquiryReply } from '@nix/domain';
import { ClientProxyDispatcher } from '../inquiry-dispatcher';
import { DeadlineExceededError, TransportUnavailableError } from '../transport-errors';
import { InProcessBus, InProcessClient, InProcessServer } from './in-process.transport';

const IDENTITY = 'inquiry.identity.v1';
const VEHICLE = 'inquiry.vehicle.v1';

/** A clock the test sets. */
class FakeClock implements Clock {
  constructor(public at = Date.UTC(2026, 0, 15, 9)) {}
  now(): number {
    return this.at;
  }
}

function inquiry(deadline: number, exchangeId = 'exchange-1'): InquiryMessage {
  return { exchangeId, registry: 'identity', service: 'person', version: '1.0.0', consumer: 'tax-organization', purpose: 'tax-assessment', deadline, body: { nationalId: '0067749828' } };
}

function replyTo(message: InquiryMessage): InquiryReply {
  return { exchangeId: message.exchangeId, status: 'ok', answer: { alive: true }, adapterInstance: 'adapter-1', adapterReceivedAt: 1, adapterRepliedAt: 2, registryMs: 1 };
}

/** What the handler of the identity address does; the test changes it. */
type Behaviour = (message: InquiryMessage) => Promise<InquiryReply | null>;

describe('the in-process transport', () => {
  let bus: InProcessBus;
  let serverClock: FakeClock;
  let server: InProcessServer;
  let client: InProcessClient;
  let dispatcher: ClientProxyDispatcher;
  let behaviour: Behaviour;
  let handled: InquiryMessage[];

  beforeEach(async () => {
    bus = new InProcessBus();
    serverClock = new FakeClock();
    handled = [];
    behaviour = async (message) => replyTo(message);
    server = new InProcessServer(bus, serverClock);
    server.addHandler(IDENTITY, async (data: InquiryMessage) => {
      handled.push(data);
      return behaviour(data);
    });
    await new Promise<void>((resolve) => server.listen(resolve));
    client = new InProcessClient(bus);
    // The broker's deadline wait runs on real timers, so its clock follows the wall clock here.
    dispatcher = new ClientProxyDispatcher(client, () => Date.now());
  });

  afterEach(() => server.close());

  it('carries an inquiry to the handler of its address, and its reply back', async () => {
    const message = inquiry(Date.now() + 5000);
    serverClock.at = Date.now();
    await expect(dispatcher.dispatch(IDENTITY, message)).resolves.toEqual(replyTo(message));
    expect(handled).toEqual([message]);
  });

  it('answers an inquiry whose deadline passed before an adapter took it with DeadlineExceededError (504), unhandled', async () => {
    const message = inquiry(Date.now() + 5000);
    // The adapter's clock says the deadline has passed, though the broker still waited.
    serverClock.at = message.deadline;
    const failure = await dispatcher.dispatch(IDENTITY, message).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeadlineExceededError);
    expect(handled).toEqual([]);
  });

  it('answers DeadlineExceededError when the adapter drops the work (no reply) before the deadline', async () => {
    serverClock.at = Date.now();
    behaviour = async () => null;
    const failure = await dispatcher.dispatch(IDENTITY, inquiry(Date.now() + 100)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeadlineExceededError);
    expect(handled).toHaveLength(1);
  });

  it('answers TransportUnavailableError, with the reason, when the handler fails', async () => {
    serverClock.at = Date.now();
    behaviour = async () => {
      throw new Error('the adapter host is closing');
    };
    const failure = await dispatcher.dispatch(IDENTITY, inquiry(Date.now() + 5000)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransportUnavailableError);
    expect((failure as Error).message).toBe('the adapter host is closing');
  });

  it('refuses an address no adapter serves, and says so before sending', async () => {
    const failure = await dispatcher.dispatch(VEHICLE, inquiry(Date.now() + 5000)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TransportUnavailableError);
    expect((failure as Error).message).toBe(`no adapter serves ${VEHICLE}`);
    await expect(dispatcher.ensureServed(IDENTITY)).resolves.toBeUndefined();
    await expect(dispatcher.ensureServed(VEHICLE)).rejects.toMatchObject({ name: 'NoAdapterError', address: VEHICLE });
    await expect(client.adapterCounts([IDENTITY, VEHICLE])).resolves.toEqual({ [IDENTITY]: 1, [VEHICLE]: 0 });
  });

  it('runs while listening, and leaves the bus when closed', async () => {
    expect(server.isRunning).toBe(true);
    expect(client.isConnected()).toBe(true);
    server.close();
    expect(server.isRunning).toBe(false);
    expect(bus.patterns).toEqual([]);
    await expect(client.isServed(IDENTITY)).resolves.toBe(false);
  });
});
