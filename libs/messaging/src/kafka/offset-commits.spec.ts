import type { TopicPartitionOffsetAndMetadata } from 'kafkajs';
import { OffsetCommits, type OffsetCommitter } from './offset-commits';

/** A consumer's commitOffsets: records each request, and fails while told to. */
class FakeCommitter implements OffsetCommitter {
  readonly requests: TopicPartitionOffsetAndMetadata[][] = [];
  failing = false;
  async commitOffsets(offsets: TopicPartitionOffsetAndMetadata[]): Promise<void> {
    if (this.failing) throw new Error('The coordinator is not aware of this member');
    this.requests.push(offsets);
  }
}

const TOPIC = 'nix.inquiry.identity.v1';

async function until(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('OffsetCommits', () => {
  let consumer: FakeCommitter;
  let errors: Error[];
  let commits: OffsetCommits;

  beforeEach(() => {
    consumer = new FakeCommitter();
    errors = [];
    commits = new OffsetCommits(consumer, (error) => errors.push(error), 20);
  });

  it('commits many handled batches in one request: per partition, the offset after the last handled message', async () => {
    commits.handled(TOPIC, 0, '7');
    commits.handled(TOPIC, 0, '9');
    commits.handled(TOPIC, 3, '41');
    commits.handled(TOPIC, 0, '12');
    expect(consumer.requests).toEqual([]);
    await commits.flush();
    expect(consumer.requests).toEqual([
      [
        { topic: TOPIC, partition: 0, offset: '13' },
        { topic: TOPIC, partition: 3, offset: '42' },
      ],
    ]);
  });

  it('commits by itself once the interval has passed, and sends nothing when nothing was handled', async () => {
    await commits.flush();
    expect(consumer.requests).toEqual([]);
    commits.handled(TOPIC, 1, '99999999999999');
    await until(() => consumer.requests.length > 0);
    expect(consumer.requests).toEqual([[{ topic: TOPIC, partition: 1, offset: '100000000000000' }]]);
  });

  it('reports a refused commit and carries on with the next ones', async () => {
    consumer.failing = true;
    commits.handled(TOPIC, 0, '1');
    await commits.flush();
    expect(errors.map((e) => e.message)).toEqual(['The coordinator is not aware of this member']);
    consumer.failing = false;
    commits.handled(TOPIC, 0, '2');
    await commits.flush();
    expect(consumer.requests).toEqual([[{ topic: TOPIC, partition: 0, offset: '3' }]]);
  });

  it('commits what is pending at close, and takes nothing after it', async () => {
    commits.handled(TOPIC, 2, '5');
    await commits.close();
    commits.handled(TOPIC, 2, '6');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(consumer.requests).toEqual([[{ topic: TOPIC, partition: 2, offset: '6' }]]);
  });
});
