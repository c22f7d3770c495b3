import type { Consumer } from 'kafkajs';

/** What OffsetCommits needs of a kafkajs consumer (a typed fake in the specs). */
export type OffsetCommitter = Pick<Consumer, 'commitOffsets'>;

/** How often a consumer's handled offsets are committed, at most. */
export const OFFSET_COMMIT_INTERVAL_MS = 500;

/**
 * Commits a consumer's handled offsets at most once per interval, and the last
 * ones soon after traffic stops. kafkajs' eachBatch with autoCommit sends an
 * OffsetCommit request after every batch (its interval applies to eachMessage
 * only): under load that was the most frequent Kafka request, more than the
 * fetches and produces together, each a write to __consumer_offsets. Run the
 * consumer with autoCommit false and tell this class what was handled.
 *
 * A consumer that dies between two commits leaves at most an interval's worth
 * of handled messages to be read again; NIX's consumers tolerate that (a
 * second reply to an exchange is dropped as late; traffic writes are
 * idempotent by exchange ID).
 */
export class OffsetCommits {
  private readonly pending = new Map<string, { topic: string; partition: number; offset: string }>();
  private timer: NodeJS.Timeout | undefined;
  private committing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly consumer: OffsetCommitter,
    private readonly onError: (error: Error) => void,
    private readonly intervalMs = OFFSET_COMMIT_INTERVAL_MS,
  ) {}

  /** The message at this offset is handled: the group may move past it. */
  handled(topic: string, partition: number, offset: string): void {
    if (this.closed) return;
    this.pending.set(`${partition}\0${topic}`, { topic, partition, offset: (BigInt(offset) + 1n).toString() });
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Commits what is handled and not yet committed; a failure is reported, and those offsets are read again after a rebalance. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return this.committing;
    const offsets = [...this.pending.values()];
    this.pending.clear();
    this.committing = this.committing.then(() => this.consumer.commitOffsets(offsets)).catch((error: Error) => this.onError(error));
    return this.committing;
  }

  /** Commits what is pending, and takes no more (before the consumer disconnects). */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }
}
