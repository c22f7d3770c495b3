import { hostname } from 'node:os';
import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import { adapterGroup, inquiryOf, inquiryTopic, payloadKeysOf, replyMessage, UnopenableValueError, type Inquiry, type Outcome, type Reply } from './contract';

export interface AdapterOptions {
  /** Kafka bootstrap servers, host:port. */
  brokers: string[];
  /** TLS to a secured NIX cluster: the PEM certificates of the CA that signs the brokers' (system CAs when empty). */
  ssl?: { ca: string[] };
  /** The custodian's Kafka user (SCRAM-SHA-512), to whom NIX's operators granted the registry's topics (npm run kafka:acls). */
  sasl?: { username: string; password: string };
  /** NIX_KAFKA_TOPIC_PREFIX of the NIX cluster ("nix" unless it was changed). */
  prefix?: string;
  /** The registry this adapter serves, as catalogued in NIX, and its major version. */
  registry: string;
  major?: number;
  /** The payload keys NIX's brokers hold (NIX_PAYLOAD_KEYS, `id:base64key,…`): inquiries open and replies seal with them. */
  payloadKeys: string;
  /** This instance's name, reported in every reply (NIX records it as traffic metadata). */
  instance?: string;
  /** The custodian's own answer to one inquiry: a call to its registry, a database query, … */
  lookup(inquiry: Inquiry): Promise<Outcome>;
  /** Where problems are told; never given a request or an answer. */
  warn?(message: string, exchangeId?: string): void;
}

export interface RunningAdapter {
  stop(): Promise<void>;
}

/**
 * Serves a registry's inquiries from NIX: joins the registry's adapter group on
 * its inquiry topic, answers each inquiry whose deadline has not passed with
 * the lookup's outcome, and sends the reply to the topic the inquiry names.
 * Resolves once it is in its group, so NIX counts it as serving the registry.
 */
export async function startAdapter(options: AdapterOptions): Promise<RunningAdapter> {
  const prefix = options.prefix ?? 'nix';
  const major = options.major ?? 1;
  const instance = options.instance ?? `${options.registry}-example-${hostname()}-${process.pid}`;
  const warn = options.warn ?? ((message: string, exchangeId?: string) => console.warn(exchangeId ? `${message} (exchange ${exchangeId})` : message));
  const keys = payloadKeysOf(options.payloadKeys);
  const topic = inquiryTopic(prefix, options.registry, major);
  const kafka = new Kafka({
    clientId: instance,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    ...(options.ssl ? { ssl: options.ssl.ca.length > 0 ? { ca: options.ssl.ca } : true } : {}),
    ...(options.sasl ? { sasl: { mechanism: 'scram-sha-512' as const, ...options.sasl } } : {}),
  });
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  const consumer: Consumer = kafka.consumer({
    groupId: adapterGroup(prefix, options.registry, major),
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    // Short fetch waits: an inquiry waits for its answer.
    maxWaitTimeInMs: 20,
  });

  async function answer(inquiry: Inquiry, receivedAt: number): Promise<Reply> {
    const started = Date.now();
    let outcome: Outcome;
    try {
      outcome = await withinDeadline(options.lookup(inquiry), inquiry.deadline);
    } catch (error) {
      warn(`the lookup failed: ${(error as Error).message}`, inquiry.exchangeId);
      outcome = { status: 'provider-error', detail: 'the registry failed to answer' };
    }
    const registryMs = Date.now() - started;
    const common = { exchangeId: inquiry.exchangeId, adapterInstance: instance, adapterReceivedAt: receivedAt, adapterRepliedAt: Date.now(), registryMs };
    return outcome.status === 'ok' ? { ...common, status: 'ok', answer: outcome.answer } : { ...common, status: outcome.status, detail: outcome.detail };
  }

  await producer.connect();
  await consumer.connect();
  // NIX's broker creates the inquiry topic; from the beginning, so that inquiries sent before this group
  // first joined are not skipped (those past their deadline are dropped unread below).
  await consumer.subscribe({ topic, fromBeginning: true });
  const joined = new Promise<void>((resolve, reject) => {
    const offJoin = consumer.on(consumer.events.GROUP_JOIN, () => {
      offJoin();
      offCrash();
      resolve();
    });
    const offCrash = consumer.on(consumer.events.CRASH, ({ payload }) => {
      // kafkajs restarts the consumer after a retriable crash; only a final one stops the start.
      if (payload.restart) return;
      offJoin();
      offCrash();
      reject(payload.error);
    });
  });
  await consumer.run({
    partitionsConsumedConcurrently: 6,
    eachMessage: async ({ message }) => {
      const receivedAt = Date.now();
      let inquiry: Inquiry | null;
      try {
        inquiry = inquiryOf(message, topic, keys);
      } catch (error) {
        if (!(error instanceof UnopenableValueError)) throw error;
        // Sealed with a key this adapter lacks, or replayed from another exchange or topic: dropped, told without content.
        warn(`dropped an inquiry that does not open: ${error.message}`);
        return;
      }
      // Not an inquiry (no NIX headers), or nobody waits for it any more.
      if (!inquiry || inquiry.deadline <= receivedAt) return;
      const reply = await answer(inquiry, receivedAt);
      await producer.send({ topic: inquiry.replyTo, messages: [replyMessage(reply, inquiry.replyTo, keys)] }).catch((error: Error) => warn(`the reply could not be sent: ${error.message}`, inquiry.exchangeId));
    },
  });
  await joined;
  return {
    async stop() {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

/** The lookup's outcome, or a provider error once the deadline has passed (NIX answers 504 by then anyway). */
function withinDeadline(lookup: Promise<Outcome>, deadline: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'provider-error', detail: 'the registry did not answer in time' }), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([lookup, late]).finally(() => clearTimeout(timer));
}
