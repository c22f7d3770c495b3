import { EventEmitter } from 'node:events';
import type { Consumer } from 'kafkajs';
import pino from 'pino';
import { KeptConsumer } from './kept-consumer';

const EVENTS = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' };

/** The part of a kafkajs consumer KeptConsumer uses: events, and disconnect. */
class FakeConsumer {
  readonly events = EVENTS;
  readonly emitter = new EventEmitter();
  disconnected = false;
  on(event: string, listener: (e: { payload: any }) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }
  async disconnect(): Promise<void> {
    this.disconnected = true;
  }
  join(): void {
    this.emitter.emit(EVENTS.GROUP_JOIN, { payload: {} });
  }
  crash(restart: boolean): void {
    this.emitter.emit(EVENTS.CRASH, { payload: { error: new Error('Timeout while acquiring lock'), restart } });
  }
}

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeptConsumer', () => {
  let made: FakeConsumer[];
  let kafkaUp: boolean;
  let kept: KeptConsumer;

  beforeEach(() => {
    made = [];
    kafkaUp = false;
    kept = new KeptConsumer({
      name: 'nix.adapter.inquiry.identity.v1',
      logger: pino({ level: 'silent' }),
      clock: { now: () => Date.now() },
      backoff: { initialMs: 10, maxMs: 40 },
      create: () => {
        const consumer = new FakeConsumer();
        made.push(consumer);
        return consumer as unknown as Consumer;
      },
      start: async (consumer) => {
        if (!kafkaUp) throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
        setTimeout(() => (consumer as unknown as FakeConsumer).join(), 1);
      },
    });
  });
  afterEach(() => kept.stop());

  it('keeps trying with new consumers while Kafka is away, and runs once it is back', async () => {
    kept.start();
    expect(await kept.nextOutcome()).toBe(false);
    expect(kept.isRunning).toBe(false);
    await tick(100);
    expect(made.length).toBeGreaterThan(2);
    expect(made.slice(0, -1).every((c) => c.disconnected)).toBe(true);
    kafkaUp = true;
    await kept.whenRunning();
    expect(kept.isRunning).toBe(true);
  });

  it('replaces a consumer that kafkajs gives up on, and leaves one that kafkajs restarts', async () => {
    kafkaUp = true;
    kept.start();
    await kept.whenRunning();
    const first = made.length;

    made[made.length - 1].crash(true);
    expect(kept.isRunning).toBe(false);
    await tick(60);
    expect(made.length).toBe(first);
    made[made.length - 1].join();
    expect(kept.isRunning).toBe(true);

    made[made.length - 1].crash(false);
    expect(kept.isRunning).toBe(false);
    await kept.whenRunning();
    expect(made.length).toBe(first + 1);
    expect(made[first - 1].disconnected).toBe(true);
  });

  it('replaces a consumer that stays out of its group', async () => {
    kafkaUp = true;
    const stuck = new KeptConsumer({
      name: 'stuck',
      logger: pino({ level: 'silent' }),
      clock: { now: () => Date.now() },
      backoff: { initialMs: 10, maxMs: 10 },
      stuckMs: 50,
      create: () => {
        const consumer = new FakeConsumer();
        made.push(consumer);
        return consumer as unknown as Consumer;
      },
      start: async (consumer) => {
        // Only the second consumer ever joins.
        if (made.length > 1) setTimeout(() => (consumer as unknown as FakeConsumer).join(), 1);
      },
    });
    stuck.start();
    await stuck.whenRunning();
    expect(made.length).toBe(2);
    expect(made[0].disconnected).toBe(true);
    await stuck.stop();
  });

  it('makes no more attempts once stopped', async () => {
    kept.start();
    await kept.nextOutcome();
    await kept.stop();
    const count = made.length;
    await tick(100);
    expect(made.length).toBe(count);
  });

  it('lets its owner commit before the running consumer disconnects at stop', async () => {
    const order: string[] = [];
    const committing = new KeptConsumer({
      name: 'committing',
      logger: pino({ level: 'silent' }),
      clock: { now: () => Date.now() },
      create: () => {
        const consumer = new FakeConsumer();
        const disconnect = consumer.disconnect.bind(consumer);
        consumer.disconnect = async () => {
          order.push(`disconnect (still joined: ${committing.isRunning})`);
          await disconnect();
        };
        made.push(consumer);
        return consumer as unknown as Consumer;
      },
      start: async (consumer) => {
        setTimeout(() => (consumer as unknown as FakeConsumer).join(), 1);
      },
      beforeStop: async () => {
        order.push(`commit (joined: ${committing.isRunning})`);
      },
    });
    committing.start();
    await committing.whenRunning();
    await committing.stop();
    expect(order).toEqual(['commit (joined: true)', 'disconnect (still joined: false)']);
  });

  it('disconnects anyway when that last commit hangs (Kafka just went away)', async () => {
    const hanging = new KeptConsumer({
      name: 'hanging',
      logger: pino({ level: 'silent' }),
      clock: { now: () => Date.now() },
      create: () => {
        const consumer = new FakeConsumer();
        made.push(consumer);
        return consumer as unknown as Consumer;
      },
      start: async (consumer) => {
        setTimeout(() => (consumer as unknown as FakeConsumer).join(), 1);
      },
      beforeStop: () => new Promise<void>(() => undefined),
    });
    hanging.start();
    await hanging.whenRunning();
    await hanging.stop();
    expect(made[made.length - 1].disconnected).toBe(true);
  });
});
