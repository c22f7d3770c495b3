import type { Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Clock } from '@nix/domain';

export interface KeptConsumerOptions {
  /** Names the consumer in logs (its group). */
  name: string;
  /** A fresh kafkajs consumer: a given-up one is never reused. */
  create(): Consumer;
  /** Connects, subscribes and runs it; resolves once run() has been called. */
  start(consumer: Consumer): Promise<void>;
  logger: Logger;
  /** Times how long the consumer has been out of its group. */
  clock: Clock;
  /** Waits between attempts: doubling from initialMs up to maxMs. */
  backoff?: { initialMs: number; maxMs: number };
  /** A consumer that has not joined its group for this long (and has not said why) is replaced. */
  stuckMs?: number;
  /** Called at stop while the consumer still runs, before it disconnects: commits the offsets it has handled. */
  beforeStop?(): Promise<void>;
}

const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 10_000 };
const DEFAULT_STUCK_MS = 90_000;
/** How long stop() waits for beforeStop (the last commit) before it disconnects anyway. */
const BEFORE_STOP_MS = 2000;

/**
 * Keeps a kafkajs consumer in its group for the life of the process, so
 * recovery never depends on kafkajs' own restart: a consumer that cannot
 * start (Kafka away) is tried again with backoff, and one that kafkajs gives
 * up on (a crash with restart false, such as a lock timeout on a busy
 * machine) or that stays out of its group is thrown away and made anew.
 * Committed offsets carry over, since the group stays the same.
 */
export class KeptConsumer {
  private consumer: Consumer | null = null;
  private joined = false;
  private stopped = true;
  private attempt = 0;
  private since = 0;
  private retry: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private generation = 0;
  private waiters: Array<() => void> = [];
  private outcomeWaiters: Array<(joined: boolean) => void> = [];

  constructor(private readonly options: KeptConsumerOptions) {}

  /** Whether the consumer is in its group and taking messages. */
  get isRunning(): boolean {
    return this.joined;
  }

  /** Starts keeping the consumer; returns at once (see whenRunning). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.since = this.options.clock.now();
    const stuckMs = this.options.stuckMs ?? DEFAULT_STUCK_MS;
    this.watchdog = setInterval(() => {
      if (!this.joined && this.consumer && this.options.clock.now() - this.since > stuckMs) this.replace(`not in its group for ${Math.round(stuckMs / 1000)} s`);
    }, Math.min(stuckMs, 5000));
    this.watchdog.unref();
    void this.open();
  }

  /** Resolves when the consumer is (next) in its group. */
  whenRunning(): Promise<void> {
    if (this.joined) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Resolves true when the consumer is (next) in its group, false when an attempt fails first. */
  nextOutcome(): Promise<boolean> {
    if (this.joined) return Promise.resolve(true);
    return new Promise((resolve) => this.outcomeWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.retry);
    clearInterval(this.watchdog);
    const consumer = this.consumer;
    if (consumer && this.joined && this.options.beforeStop) {
      // Bounded: a commit to a Kafka that has just gone away would otherwise hold the shutdown through kafkajs' retries.
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, BEFORE_STOP_MS)));
      await Promise.race([this.options.beforeStop().catch(() => undefined), bound]);
      clearTimeout(timer);
    }
    this.joined = false;
    this.consumer = null;
    await consumer?.disconnect().catch(() => undefined);
  }

  private async open(): Promise<void> {
    const generation = ++this.generation;
    const consumer = this.options.create();
    this.consumer = consumer;
    this.joined = false;
    this.since = this.options.clock.now();
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (generation !== this.generation) return;
      if (this.attempt > 0) this.options.logger.info({ kafka: this.options.name }, 'kafka consumer is back in its group');
      this.joined = true;
      this.attempt = 0;
      for (const resolve of this.waiters.splice(0)) resolve();
      for (const resolve of this.outcomeWaiters.splice(0)) resolve(true);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (generation !== this.generation) return;
      this.joined = false;
      this.since = this.options.clock.now();
      for (const resolve of this.outcomeWaiters.splice(0)) resolve(false);
      if (!payload.restart) this.replace(`kafkajs gave it up: ${payload.error?.message ?? 'no reason given'}`);
    });
    try {
      await this.options.start(consumer);
    } catch (error) {
      if (generation !== this.generation) return;
      this.replace(`cannot start: ${(error as Error).message}`);
    }
  }

  /** Disconnects the consumer and makes a new one after the backoff. */
  private replace(reason: string): void {
    if (this.stopped) return;
    const generation = ++this.generation;
    const old = this.consumer;
    this.consumer = null;
    this.joined = false;
    const { initialMs, maxMs } = this.options.backoff ?? DEFAULT_BACKOFF;
    const waitMs = Math.min(maxMs, initialMs * 2 ** Math.min(this.attempt, 10));
    this.attempt++;
    for (const resolve of this.outcomeWaiters.splice(0)) resolve(false);
    this.options.logger.warn({ kafka: this.options.name, attempt: this.attempt, retryInMs: waitMs }, `kafka consumer ${reason}; trying again`);
    void old?.disconnect().catch(() => undefined);
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      if (!this.stopped && generation === this.generation) void this.open();
    }, waitMs);
    this.retry.unref();
  }
}
