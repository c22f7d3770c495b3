import type { Message, Producer, TopicMessages } from 'kafkajs';

interface Queued {
  topic: string;
  message: Message;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Sends at once when the line is free, and gathers what arrives meanwhile
 * into the next request: one message alone travels without delay, and under
 * load the requests carry many messages each.
 */
export class BatchingProducer {
  private queue: Queued[] = [];
  private inFlight = 0;

  constructor(
    private readonly producer: Producer,
    private readonly options: { acks: -1 | 1; maxBatch: number; concurrency: number },
  ) {}

  send(topic: string, message: Message): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, message, resolve, reject });
      this.pump();
    });
  }

  sendMany(topic: string, messages: Message[]): Promise<void> {
    return Promise.all(messages.map((m) => this.send(topic, m))).then(() => undefined);
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      const byTopic = new Map<string, Message[]>();
      for (const q of batch) {
        const list = byTopic.get(q.topic) ?? [];
        list.push(q.message);
        byTopic.set(q.topic, list);
      }
      const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
      this.producer
        .sendBatch({ topicMessages, acks: this.options.acks })
        .then(
          () => batch.forEach((q) => q.resolve()),
          (error: Error) => batch.forEach((q) => q.reject(error)),
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
