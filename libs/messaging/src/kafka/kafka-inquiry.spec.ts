import { EventEmitter } from 'node:events';
import type { Admin, EachBatchPayload, ITopicConfig, Kafka, Message, Producer, ProducerBatch } from 'kafkajs';
import pino from 'pino';
import type { Clock, InquiryMessage, InquiryReply } from '@nix/domain';
import { eachBatchPayload } from '../testing';
import { ClientProxyDispatcher } from '../inquiry-dispatcher';
import { DeadlineExceededError, TransportUnavailableError } from '../transport-errors';
import { inquiryToKafka, replyToKafka } from './kafka-envelope';
import { KafkaInquiryClient } from './kafka-inquiry.client';
import { KafkaInquiryServer } from './kafka-inquiry.server';
import type { KafkaSettings } from './kafka-settings';
import { PayloadSealer } from './payload-sealer';

// The Kafka transport pair against a fake of the part of kafkajs it uses: no broker.
// What only a real broker shows (rebalances, retention, outages) is in tests/kafka.

const SETTINGS: KafkaSettings = {
  brokers: ['kafka.invalid:9092'],
  clientId: 'nix',
  instanceId: 'broker-1',
  topicPrefix: 'nix',
  partitions: 1,
  replicationFactor: 1,
  inquiryRetentionMs: 300_000,
  trafficRetentionMs: 86_400_000,
  payloadKeys: [{ id: 'k1', key: Buffer.alloc(32, 1) }],
};
/** The same key as the transport's: what the other end of the topic seals with. */
const SEALER = new PayloadSealer(SETTINGS.payloadKeys);
const OTHER_KEY = new PayloadSealer([{ id: 'k1', key: Buffer.alloc(32, 2) }]);
const IDENTITY = 'inquiry.identity.v1';
const VEHICLE = 'inquiry.vehicle.v1';
const REPLY_TOPIC = 'nix.reply.broker-1';
const IDENTITY_TOPIC = 'nix.inquiry.identity.v1';
const sealedInquiry = (message: InquiryMessage, topic = IDENTITY_TOPIC, sealer = SEALER) => inquiryToKafka(message, REPLY_TOPIC, topic, sealer);
const sealedReply = (reply: InquiryReply, topic = REPLY_TOPIC, sealer = SEALER) => replyToKafka(reply, topic, sealer);
const silent = pino({ level: 'silent' });

class FakeClock implements Clock {
  constructor(public at = Date.now()) {}
  now(): number {
    return this.at;
  }
}

type Sent = { topic: string; message: Message };

class FakeProducer implements Pick<Producer, 'connect' | 'disconnect' | 'sendBatch'> {
  readonly sent: Sent[] = [];
  /** Set to make the next sends fail, as a producer does while Kafka is away. */
  failing: Error | null = null;
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  async sendBatch(batch: ProducerBatch): Promise<never[]> {
    if (this.failing) throw this.failing;
    for (const { topic, messages } of batch.topicMessages ?? []) for (const message of messages) this.sent.push({ topic, message });
    return [];
  }
}

const EVENTS = { GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' };

/** Joins its group once run, and hands the test its eachBatch. */
class FakeConsumer {
  readonly events = EVENTS;
  private readonly emitter = new EventEmitter();
  topic = '';
  eachBatch: ((payload: EachBatchPayload) => Promise<void>) | null = null;
  constructor(readonly groupId: string) {}
  on(event: string, listener: (e: unknown) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  async subscribe({ topic }: { topic: string }): Promise<void> {
    this.topic = topic;
  }
  async run({ eachBatch }: { eachBatch: (payload: EachBatchPayload) => Promise<void> }): Promise<void> {
    this.eachBatch = eachBatch;
    setImmediate(() => this.emitter.emit(EVENTS.GROUP_JOIN, { payload: {} }));
  }
}

class FakeAdmin implements Pick<Admin, 'connect' | 'disconnect'> {
  readonly topics = new Set<string>();
  readonly deleted: string[] = [];
  /** Consumer groups as Kafka describes them: members per group ID. */
  groups: Record<string, { state: string; members: number }> = {};
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  async listTopics(): Promise<string[]> {
    return [...this.topics];
  }
  async createTopics({ topics }: { topics: ITopicConfig[] }): Promise<boolean> {
    for (const t of topics) this.topics.add(t.topic);
    return true;
  }
  async fetchTopicMetadata({ topics }: { topics: string[] }) {
    return { topics: topics.map((name) => ({ name, partitions: [{ partitionId: 0, leader: 0 }] })) };
  }
  async describeGroups(groupIds: string[]) {
    return {
      groups: groupIds.filter((id) => this.groups[id]).map((groupId) => ({ groupId, state: this.groups[groupId].state, members: Array.from({ length: this.groups[groupId].members }, () => ({})) })),
    };
  }
  async deleteTopics({ topics }: { topics: string[] }): Promise<void> {
    this.deleted.push(...topics);
  }
}

class FakeKafka {
  readonly producers: FakeProducer[] = [];
  readonly consumers: FakeConsumer[] = [];
  readonly admins: FakeAdmin[] = [];
  readonly groups: FakeAdmin['groups'] = {};
  producer(): FakeProducer {
    const producer = new FakeProducer();
    this.producers.push(producer);
    return producer;
  }
  consumer({ groupId }: { groupId: string }): FakeConsumer {
    const consumer = new FakeConsumer(groupId);
    this.consumers.push(consumer);
    return consumer;
  }
  admin(): FakeAdmin {
    const admin = new FakeAdmin();
    admin.groups = this.groups;
    this.admins.push(admin);
    return admin;
  }
  asKafka(): Kafka {
    return this as unknown as Kafka;
  }
}

function inquiry(deadline: number, exchangeId = 'exchange-1', registry = 'identity'): InquiryMessage {
  return { exchangeId, registry, service: 'person', version: '1.0.0', consumer: 'tax-organization', purpose: 'tax-assessment', deadline, body: { nationalId: '0067749828' } };
}

function replyOf(exchangeId: string): InquiryReply {
  return { exchangeId, status: 'ok', answer: { alive: true }, adapterInstance: 'adapter-1', adapterReceivedAt: 1, adapterRepliedAt: 2, registryMs: 1 };
}

/** A batch as kafkajs hands it to eachBatch, recording what the consumer resolves. */
function batchOf(topic: string, messages: Message[], resolved: string[] = []): EachBatchPayload {
  return eachBatchPayload(topic, messages, { resolved, offsetLag: 3 });
}

const until = async (condition: () => boolean) => {
  for (const end = Date.now() + 5000; !condition(); ) {
    if (Date.now() > end) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setImmediate(resolve));
  }
};

describe('KafkaInquiryClient', () => {
  let kafka: FakeKafka;
  let clock: FakeClock;
  let late: string[];
  let unopened: string[];
  let client: KafkaInquiryClient;
  let dispatcher: ClientProxyDispatcher;

  beforeEach(() => {
    kafka = new FakeKafka();
    clock = new FakeClock();
    late = [];
    unopened = [];
    client = new KafkaInquiryClient({
      settings: SETTINGS,
      logger: silent,
      clock,
      addresses: [IDENTITY, VEHICLE],
      observer: { lateReply: (registry) => late.push(registry), unopened: (topic) => unopened.push(topic) },
      // A miss looks again at once: the test's clock does not move by itself.
      presence: { refreshIntervalMs: 60_000, minRefreshGapMs: 0, missWaitMs: 1000 },
      kafka: kafka.asKafka(),
    });
    // The deadline wait runs on real timers: the dispatcher reads the wall clock.
    dispatcher = new ClientProxyDispatcher(client, () => Date.now());
  });
  afterEach(() => client.close());

  const producer = () => kafka.producers[0];
  const replies = () => kafka.consumers.find((c) => c.topic === REPLY_TOPIC)!;

  it('refuses at once until it is set up, then makes its topics and joins its reply topic', async () => {
    await expect(client.connect()).rejects.toThrow(new TransportUnavailableError('the Kafka transport is not connected yet'));
    await client.ready();
    expect(client.isConnected()).toBe(true);
    await expect(client.connect()).resolves.toBeUndefined();
    expect([...kafka.admins[0].topics].sort()).toEqual(['nix.inquiry.identity.v1', 'nix.inquiry.vehicle.v1', REPLY_TOPIC]);
  });

  it('sends an inquiry to its registry topic, and answers the reply that comes back for its exchange', async () => {
    await client.ready();
    const message = { ...inquiry(Date.now() + 5000), trackingCode: 'TRK-0067749828' };
    const answer = dispatcher.dispatch(IDENTITY, message);
    await until(() => producer().sent.length === 1);
    const [{ topic, message: sent }] = producer().sent;
    expect(Object.keys(sent.headers!)).not.toContain('nix-tracking-code');
    expect(topic).toBe('nix.inquiry.identity.v1');
    expect(sent.headers).toMatchObject({ 'nix-exchange-id': 'exchange-1', 'nix-reply-to': REPLY_TOPIC, 'nix-deadline': String(message.deadline), 'nix-key-id': 'k1' });
    // The body is sealed: the national ID is not in the message, and opens only for this exchange and topic.
    expect(Buffer.from(sent.value as Buffer).includes('0067749828')).toBe(false);
    expect(JSON.parse(SEALER.open(sent.value as Buffer, 'k1', { exchangeId: 'exchange-1', topic }).toString())).toEqual({ body: message.body, trackingCode: 'TRK-0067749828' });
    await replies().eachBatch!(batchOf(REPLY_TOPIC, [sealedReply(replyOf('exchange-1'))]));
    await expect(answer).resolves.toEqual(replyOf('exchange-1'));
    expect(late).toEqual([]);
  });

  it('drops a reply that does not open (replayed from another exchange, or another key), counts it, and takes the real one', async () => {
    await client.ready();
    const answer = dispatcher.dispatch(IDENTITY, inquiry(Date.now() + 5000, 'e-1'));
    await until(() => producer().sent.length === 1);
    const replayed = { ...sealedReply(replyOf('e-other')), headers: { 'nix-exchange-id': 'e-1', 'nix-key-id': 'k1' } };
    await replies().eachBatch!(batchOf(REPLY_TOPIC, [replayed, sealedReply(replyOf('e-1'), REPLY_TOPIC, OTHER_KEY), sealedReply(replyOf('e-1'), 'nix.reply.broker-2')]));
    expect(unopened).toEqual([REPLY_TOPIC, REPLY_TOPIC, REPLY_TOPIC]);
    await replies().eachBatch!(batchOf(REPLY_TOPIC, [sealedReply(replyOf('e-1'))]));
    await expect(answer).resolves.toEqual(replyOf('e-1'));
    expect(late).toEqual([]);
  });

  it('fails a send Kafka refuses, then fails the next ones at once until a probe may try, by its clock', async () => {
    await client.ready();
    producer().failing = new Error('Connection error: ECONNREFUSED');
    await expect(dispatcher.dispatch(IDENTITY, inquiry(Date.now() + 5000, 'e-1'))).rejects.toThrow(
      new TransportUnavailableError('Kafka did not take the inquiry (Connection error: ECONNREFUSED)'),
    );
    expect(client.isConnected()).toBe(false);
    producer().failing = null;
    await expect(dispatcher.dispatch(IDENTITY, inquiry(Date.now() + 5000, 'e-2'))).rejects.toThrow(new TransportUnavailableError('Kafka is not taking inquiries now'));
    expect(producer().sent).toEqual([]);
    clock.at += 500;
    const probe = dispatcher.dispatch(IDENTITY, inquiry(Date.now() + 5000, 'e-3'));
    await until(() => producer().sent.length === 1);
    await replies().eachBatch!(batchOf(REPLY_TOPIC, [sealedReply(replyOf('e-3'))]));
    await expect(probe).resolves.toMatchObject({ exchangeId: 'e-3' });
    expect(client.isConnected()).toBe(true);
  });

  it('counts a reply that comes after its caller gave up as late, by registry', async () => {
    await client.ready();
    const failure = await dispatcher.dispatch(VEHICLE, inquiry(Date.now() + 30, 'e-late', 'vehicle')).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DeadlineExceededError);
    await replies().eachBatch!(batchOf(REPLY_TOPIC, [sealedReply(replyOf('e-late')), sealedReply(replyOf('e-unknown'))]));
    expect(late).toEqual(['vehicle', 'unknown']);
  });

  it('refuses an address whose adapter group has no member after a fresh look, and serves one that is joining', async () => {
    kafka.groups['nix.adapter.inquiry.identity.v1'] = { state: 'Stable', members: 2 };
    kafka.groups['nix.adapter.inquiry.vehicle.v1'] = { state: 'Empty', members: 0 };
    await client.ready();
    await expect(client.isServed(IDENTITY)).resolves.toBe(true);
    await expect(dispatcher.ensureServed(VEHICLE)).rejects.toMatchObject({ name: 'NoAdapterError', address: VEHICLE });
    kafka.groups['nix.adapter.inquiry.vehicle.v1'] = { state: 'PreparingRebalance', members: 1 };
    await expect(dispatcher.ensureServed(VEHICLE)).resolves.toBeUndefined();
    // Readiness counts only stable groups.
    await expect(client.adapterCounts([IDENTITY, VEHICLE])).resolves.toEqual({ [IDENTITY]: 2, [VEHICLE]: 0 });
  });

  it('answers the inquiries still waiting when it closes, and deletes its reply topic', async () => {
    await client.ready();
    const waiting = dispatcher.dispatch(IDENTITY, inquiry(Date.now() + 5000));
    await until(() => producer().sent.length === 1);
    await client.close();
    await expect(waiting).rejects.toThrow(new TransportUnavailableError('the broker is shutting down'));
    expect(kafka.admins[0].deleted).toEqual([REPLY_TOPIC]);
  });
});

describe('KafkaInquiryServer', () => {
  let kafka: FakeKafka;
  let clock: FakeClock;
  let expired: string[];
  let lags: Array<[string, string, number]>;
  let unopened: string[];
  let server: KafkaInquiryServer;
  let handled: InquiryMessage[];
  let answer: (message: InquiryMessage) => Promise<InquiryReply | null>;

  beforeEach(async () => {
    kafka = new FakeKafka();
    clock = new FakeClock(Date.UTC(2026, 0, 15, 9));
    expired = [];
    lags = [];
    unopened = [];
    handled = [];
    answer = async (message) => replyOf(message.exchangeId);
    server = new KafkaInquiryServer({
      settings: { ...SETTINGS, instanceId: 'adapter-1' },
      logger: silent,
      clock,
      observer: { expired: (registry) => expired.push(registry), lag: (group, topic, messages) => lags.push([group, topic, messages]), unopened: (topic) => unopened.push(topic) },
      kafka: kafka.asKafka(),
    });
    server.addHandler(IDENTITY, async (message: InquiryMessage) => {
      handled.push(message);
      return answer(message);
    });
    await new Promise<void>((resolve) => void server.listen(() => resolve()));
  });
  afterEach(() => server.close());

  const consumer = () => kafka.consumers[0];
  const producer = () => kafka.producers[0];

  it('joins a consumer group per registry address, reading its topic', () => {
    expect(server.isRunning).toBe(true);
    expect(consumer()).toMatchObject({ groupId: 'nix.adapter.inquiry.identity.v1', topic: 'nix.inquiry.identity.v1' });
  });

  it('answers each inquiry to the reply topic it names, resolves the batch and reports the lag', async () => {
    const resolved: string[] = [];
    const messages = [inquiry(clock.at + 1000, 'e-1'), inquiry(clock.at + 1000, 'e-2')].map((m) => sealedInquiry(m));
    await consumer().eachBatch!(batchOf('nix.inquiry.identity.v1', messages, resolved));
    expect(handled.map((m) => m.exchangeId)).toEqual(['e-1', 'e-2']);
    expect(handled[0].body).toEqual({ nationalId: '0067749828' });
    const opened = (s: { topic: string; message: Message }) => JSON.parse(SEALER.open(s.message.value as Buffer, 'k1', { exchangeId: String(s.message.key), topic: s.topic }).toString());
    expect(producer().sent.map((s) => [s.topic, opened(s).exchangeId])).toEqual([
      [REPLY_TOPIC, 'e-1'],
      [REPLY_TOPIC, 'e-2'],
    ]);
    expect(resolved).toEqual(['1']);
    expect(lags).toEqual([['nix.adapter.inquiry.identity.v1', 'nix.inquiry.identity.v1', 3]]);
  });

  it('drops unread an inquiry whose deadline has passed by its clock, and counts it', async () => {
    const resolved: string[] = [];
    await consumer().eachBatch!(batchOf('nix.inquiry.identity.v1', [sealedInquiry(inquiry(clock.at, 'e-old'))], resolved));
    expect(handled).toEqual([]);
    expect(producer().sent).toEqual([]);
    expect(expired).toEqual(['identity']);
    expect(resolved).toEqual(['0']);
  });

  it('sends nothing for work the adapter dropped (no reply), and counts it as expired', async () => {
    answer = async () => null;
    await consumer().eachBatch!(batchOf('nix.inquiry.identity.v1', [sealedInquiry(inquiry(clock.at + 1000))]));
    expect(handled).toHaveLength(1);
    expect(producer().sent).toEqual([]);
    expect(expired).toEqual(['identity']);
  });

  it('skips a message that is not a NIX inquiry, and goes on with the batch', async () => {
    const resolved: string[] = [];
    const stray: Message = { key: 'x', value: '{}', headers: {} };
    await consumer().eachBatch!(batchOf('nix.inquiry.identity.v1', [stray, sealedInquiry(inquiry(clock.at + 1000, 'e-ok'))], resolved));
    expect(handled.map((m) => m.exchangeId)).toEqual(['e-ok']);
    expect(resolved).toEqual(['1']);
  });

  it('drops an inquiry that does not open (another topic, exchange or key), counts it, and goes on with the batch', async () => {
    const resolved: string[] = [];
    const intoVehicle = sealedInquiry(inquiry(clock.at + 1000, 'e-vehicle'), 'nix.inquiry.vehicle.v1');
    const intoOtherExchange = { ...sealedInquiry(inquiry(clock.at + 1000, 'e-a')), headers: { ...sealedInquiry(inquiry(clock.at + 1000, 'e-b')).headers } };
    const otherKey = sealedInquiry(inquiry(clock.at + 1000, 'e-key'), IDENTITY_TOPIC, OTHER_KEY);
    const unknownKey = { ...sealedInquiry(inquiry(clock.at + 1000, 'e-kid')), headers: { ...sealedInquiry(inquiry(clock.at + 1000, 'e-kid')).headers, 'nix-key-id': 'k9' } };
    await consumer().eachBatch!(batchOf(IDENTITY_TOPIC, [intoVehicle, intoOtherExchange, otherKey, unknownKey, sealedInquiry(inquiry(clock.at + 1000, 'e-ok'))], resolved));
    expect(handled.map((m) => m.exchangeId)).toEqual(['e-ok']);
    expect(unopened).toEqual([IDENTITY_TOPIC, IDENTITY_TOPIC, IDENTITY_TOPIC, IDENTITY_TOPIC]);
    expect(producer().sent).toHaveLength(1);
    expect(resolved).toEqual(['4']);
  });

  it('skips an inquiry that opens to something other than JSON, and goes on with the batch', async () => {
    const resolved: string[] = [];
    const sealed = SEALER.seal(Buffer.from('not json'), { exchangeId: 'e-bad', topic: IDENTITY_TOPIC });
    const notJson = { ...sealedInquiry(inquiry(clock.at + 1000, 'e-bad')), value: sealed.value };
    await consumer().eachBatch!(batchOf(IDENTITY_TOPIC, [notJson, sealedInquiry(inquiry(clock.at + 1000, 'e-ok'))], resolved));
    expect(handled.map((m) => m.exchangeId)).toEqual(['e-ok']);
    expect(unopened).toEqual([]);
    expect(resolved).toEqual(['1']);
  });

  it('stops running when closed', async () => {
    await server.close();
    expect(server.isRunning).toBe(false);
  });
});
