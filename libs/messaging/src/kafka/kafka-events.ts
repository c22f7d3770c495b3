import type { Consumer, IHeaders, Kafka, KafkaMessage, Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { Clock } from '@nix/domain';
import { inquiryConsumerConfig, producerConfig, topicOf, type KafkaSettings } from './kafka-settings';
import { ensureTopicsOnce, inquiryTopicConfig } from './kafka-topics';
import { KeptConsumer } from './kept-consumer';
import { UnopenablePayloadError, type PayloadSealer } from './payload-sealer';

/** Headers of a custodian's event: the routing metadata, in clear; the person and the day are sealed in the value. */
export const EVENT_HEADERS = {
  eventId: 'nix-event-id',
  eventType: 'nix-event-type',
  keyId: 'nix-key-id',
} as const;

/** An event as a custodian's adapter writes it (issue 14): the key and the day, never what changed (R18). */
export interface CustodianEvent {
  eventId: string;
  /** The event type within the registry, e.g. `person-changed`. */
  eventType: string;
  body: { nationalId: string; changedOn: string };
}

/** The topic a registry's custodian writes its events to: nix.event.identity.v1. */
export function eventTopicOf(settings: Pick<KafkaSettings, 'topicPrefix'>, registry: string): string {
  return topicOf(settings, `event.${registry}.v1`);
}

/** The group brokers consume events in: each event is taken by one broker. */
export function eventGroupOf(settings: Pick<KafkaSettings, 'topicPrefix'>, registry: string): string {
  return topicOf(settings, `broker.event.${registry}.v1`);
}

/** An event for its registry's topic: the value sealed (AES-256-GCM, bound to the event ID and the topic), as inquiries are. */
export function eventToKafka(event: CustodianEvent, topic: string, sealer: PayloadSealer): Message {
  const sealed = sealer.seal(Buffer.from(JSON.stringify(event.body), 'utf8'), { exchangeId: event.eventId, topic });
  const headers: IHeaders = { [EVENT_HEADERS.eventId]: event.eventId, [EVENT_HEADERS.eventType]: event.eventType, [EVENT_HEADERS.keyId]: sealed.keyId };
  return { key: event.eventId, value: sealed.value, headers };
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  return Buffer.isBuffer(value) ? value.toString('utf8') : Array.isArray(value) ? String(value[0]) : String(value);
}

/** Reads an event off its topic; null when its headers are not an event's. Throws UnopenablePayloadError when it does not open. */
export function eventFromKafka(record: KafkaMessage, topic: string, sealer: PayloadSealer): { eventId: string; eventType: string; body: unknown } | null {
  const eventId = header(record.headers, EVENT_HEADERS.eventId);
  const eventType = header(record.headers, EVENT_HEADERS.eventType);
  if (!eventId || !eventType || !record.value) return null;
  const opened = sealer.open(record.value, header(record.headers, EVENT_HEADERS.keyId), { exchangeId: eventId, topic });
  let body: unknown;
  try {
    body = JSON.parse(opened.toString('utf8'));
  } catch {
    body = null;
  }
  return { eventId, eventType, body };
}

/** What the broker does with an event read off Kafka; a throw leaves it uncommitted, to be read again. */
export type EventHandler = (registry: string, event: { eventId: string; eventType: string; body: unknown }) => Promise<void>;

/**
 * The broker's consumer of custodians' event topics: one kept consumer per registry with event types, in a group
 * shared by brokers, so each event is handled by one broker; its offset is committed once it is handled (at least
 * once: the handler is idempotent by event ID). A value that does not open, or that is not an event, is skipped.
 */
export class KafkaEventConsumer {
  private readonly consumers: KeptConsumer[] = [];
  private readonly byRegistry = new Map<string, KeptConsumer>();

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly sealer: PayloadSealer,
    private readonly handle: EventHandler,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  start(registries: readonly string[]): void {
    for (const registry of registries) {
      const topic = eventTopicOf(this.settings, registry);
      const groupId = eventGroupOf(this.settings, registry);
      const consumer = new KeptConsumer({
        name: groupId,
        logger: this.log,
        clock: this.clock,
        create: () => this.kafka.consumer(inquiryConsumerConfig(groupId)),
        start: (c) => this.consume(c, registry, topic),
      });
      this.consumers.push(consumer);
      this.byRegistry.set(registry, consumer);
      consumer.start();
    }
  }

  /** Per registry, whether its consumer is in its group and taking events now. */
  states(): Record<string, boolean> {
    return Object.fromEntries([...this.byRegistry].map(([registry, consumer]) => [registry, consumer.isRunning]));
  }

  /** Resolves once every consumer is in its group. */
  async whenRunning(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.whenRunning()));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.consumers.map((c) => c.stop()));
  }

  private async consume(consumer: Consumer, registry: string, topic: string): Promise<void> {
    await ensureTopicsOnce(this.kafka, [inquiryTopicConfig(topic, this.settings)], this.clock);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      eachMessage: async ({ message, partition }) => {
        let event: ReturnType<typeof eventFromKafka>;
        try {
          event = eventFromKafka(message, topic, this.sealer);
        } catch (error) {
          if (!(error instanceof UnopenablePayloadError)) throw error;
          this.log.warn({ topic, partition, offset: message.offset, keyId: error.keyId, reason: error.reason }, 'an event on Kafka does not open; skipped');
          return;
        }
        if (!event) {
          this.log.warn({ topic, partition, offset: message.offset }, 'a message on an event topic is not an event; skipped');
          return;
        }
        await this.handle(registry, event);
      },
    });
  }
}

/** A custodian adapter's producer of events (the identity sample registry uses it for tests and the demo). */
export class KafkaEventPublisher {
  private readonly producer: Producer;
  private connected: Promise<void> | null = null;
  private readonly topics = new Map<string, Promise<void>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: KafkaSettings,
    private readonly sealer: PayloadSealer,
    private readonly clock: Clock,
  ) {
    this.producer = kafka.producer({ ...producerConfig({ retries: 5 }), idempotent: true, maxInFlightRequests: 1 });
  }

  async publish(registry: string, events: readonly CustodianEvent[]): Promise<void> {
    const topic = eventTopicOf(this.settings, registry);
    if (!this.topics.has(topic)) {
      this.topics.set(
        topic,
        ensureTopicsOnce(this.kafka, [inquiryTopicConfig(topic, this.settings)], this.clock).catch((error: Error) => {
          this.topics.delete(topic);
          throw error;
        }),
      );
    }
    await this.topics.get(topic);
    this.connected ??= this.producer.connect().catch((error: Error) => {
      this.connected = null;
      throw error;
    });
    await this.connected;
    await this.producer.send({ topic, acks: -1, messages: events.map((e) => eventToKafka(e, topic, this.sealer)) });
  }

  async close(): Promise<void> {
    await this.producer.disconnect().catch(() => undefined);
  }
}
