import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EventTypeCatalog, ServiceCatalog } from '@nix/catalog';
import Ajv2020 from 'ajv/dist/2020';
import { randomBytes } from 'node:crypto';
import { EVENT_HEADERS, eventFromKafka, eventToKafka, eventTopicOf, HEADERS, inquiryFromKafka, inquiryToKafka, PayloadSealer, replyExchangeId, replyFromKafka, replyTopicOf, topicOf, trafficTopicOf, UnopenablePayloadError, type KafkaSettings } from '@nix/messaging';
import * as example from '../../examples/kafka-adapter/src/contract';
import { trafficRecordOf } from '@nix/domain';

const ROOT = join(__dirname, '..', '..');
const doc = parse(readFileSync(join(ROOT, 'contracts', 'topics', 'asyncapi.yaml'), 'utf8'));
const settings = { topicPrefix: 'nix', instanceId: 'broker-1' } as KafkaSettings;
/** Keys as NIX_PAYLOAD_KEYS gives them, to NIX (PayloadSealer) and to the example adapter (its own reading). */
const PAYLOAD_KEYS = `new:${randomBytes(32).toString('base64')},old:${randomBytes(32).toString('base64')}`;
const exampleKeys = example.payloadKeysOf(PAYLOAD_KEYS);
const sealer = new PayloadSealer(exampleKeys);
const INQUIRY_TOPIC = 'nix.inquiry.goods.v1';
const REPLY_TOPIC = 'nix.reply.broker-1';

describe('contracts/topics/asyncapi.yaml describes the topics the code uses', () => {
  it('is an AsyncAPI 3 document whose operations name its channels', () => {
    expect(doc.asyncapi).toMatch(/^3\./);
    for (const operation of Object.values<any>(doc.operations)) {
      expect(operation.channel.$ref.replace('#/channels/', '') in doc.channels).toBe(true);
    }
  });

  it('names every inquiry topic of the catalogue, the reply topic and the traffic topic', () => {
    const catalog = ServiceCatalog.load(join(ROOT, 'schemas'));
    for (const registry of catalog.registries) {
      const topic = topicOf(settings, registry.address);
      const [, major] = /\.v(\d+)$/.exec(topic)!;
      expect(doc.channels.inquiry.address.replace('{registry}', registry.registry).replace('{major}', major)).toBe(topic);
      expect(doc.channels.inquiry.description).toContain(topic);
    }
    expect(doc.channels.reply.address.replace('{instanceId}', 'broker-1')).toBe(replyTopicOf(settings));
    expect(doc.channels.traffic.address).toBe(trafficTopicOf(settings));
  });

  it('lists every header an inquiry carries, and every field of a traffic record', () => {
    const message = inquiryToKafka(
      { exchangeId: 'e', registry: 'identity', service: 'person', version: '1.0.0', consumer: 'c', purpose: 'p', trackingCode: 't', deadline: 1, body: {} },
      'nix.reply.broker-1',
      'nix.inquiry.identity.v1',
      sealer,
    );
    expect(Object.keys(message.headers!).sort()).toEqual(Object.keys(doc.components.messages.inquiry.headers.properties).sort());
    expect(Object.keys(message.headers!).sort()).toEqual([...doc.components.messages.inquiry.headers.required].sort());
    // What the sealed value holds, once opened, is the document's inquiry payload.
    const opened = JSON.parse(sealer.open(message.value as Buffer, 'new', { exchangeId: 'e', topic: 'nix.inquiry.identity.v1' }).toString());
    const validate = new Ajv2020({ strict: false }).compile(doc.components.messages.inquiry.payload);
    expect(opened).toEqual({ body: {}, trackingCode: 't' });
    expect({ valid: validate(opened), errors: validate.errors }).toEqual({ valid: true, errors: null });
    expect(doc.info.description).toContain('"nix-payload-v1", NUL, the exchange ID, NUL, the topic');
    expect(Object.values(HEADERS).sort()).toEqual(Object.keys(doc.components.messages.inquiry.headers.properties).sort());
    const record = trafficRecordOf({
      exchangeId: 'e', receivedAt: 1, facts: {}, outcome: 'ok', problemType: null, requestBytes: 0, respondedAt: 2, httpStatus: 200, responseBytes: 0, brokerInstance: 'b', trackingDigest: null, receiptDigest: null,
    });
    expect(Object.keys(record).sort()).toEqual(Object.keys(doc.components.messages.trafficRecord.payload.properties).sort());
  });
});

describe('the event channel (issue 14)', () => {
  it("names every registry's event topic, the headers an event carries, and its sealed payload as the event type's schema", () => {
    const eventTypes = EventTypeCatalog.load(join(ROOT, 'schemas'));
    expect(eventTypes.eventTypes.length).toBeGreaterThanOrEqual(1);
    for (const type of eventTypes.eventTypes) {
      expect(doc.channels.event.address.replace('{registry}', type.registry)).toBe(eventTopicOf(settings, type.registry));
      expect(doc.channels.event.description).toContain(`${type.registry}/${type.eventType}`);
      expect(Object.keys(doc.components.messages.event.payload.properties).sort()).toEqual(Object.keys(type.schema.properties as object).sort());
    }
    const topic = eventTopicOf(settings, 'identity');
    const message = eventToKafka({ eventId: 'ev-1', eventType: 'person-changed', body: { nationalId: '0067749828', changedOn: '2026-11-30' } }, topic, sealer);
    expect(Object.keys(message.headers!).sort()).toEqual([...doc.components.messages.event.headers.required].sort());
    expect(Object.values(EVENT_HEADERS).sort()).toEqual(Object.keys(doc.components.messages.event.headers.properties).sort());
    expect(String(message.value)).not.toContain('0067749828');
    const record = { key: Buffer.from('ev-1'), value: message.value as Buffer, headers: message.headers, offset: '0', timestamp: '0', attributes: 0 } as any;
    expect(eventFromKafka(record, topic, sealer)).toEqual({ eventId: 'ev-1', eventType: 'person-changed', body: { nationalId: '0067749828', changedOn: '2026-11-30' } });
    expect(() => eventFromKafka(record, eventTopicOf(settings, 'vehicle'), sealer)).toThrow(UnopenablePayloadError);
  });
});

describe("the example adapter (examples/kafka-adapter) speaks the published contract, as NIX's code does", () => {
  const inquiry = { exchangeId: 'e-1', registry: 'goods', service: 'goods', version: '1.0.0', consumer: 'c', purpose: 'p', trackingCode: 't', deadline: 1_700_000_000_000, body: { gtin: '6260100001237' } };
  const kafkaRecord = (message: { key?: unknown; value: unknown; headers?: unknown }) =>
    ({ ...message, value: Buffer.isBuffer(message.value) ? message.value : Buffer.from(String(message.value)), headers: message.headers, offset: '0', timestamp: '0', attributes: 0 }) as any;

  it('names the headers, topics and consumer group the document and NIX name', () => {
    expect(Object.values(example.HEADERS).sort()).toEqual(Object.keys(doc.components.messages.inquiry.headers.properties).sort());
    expect(example.HEADERS).toEqual(HEADERS);
    const catalog = ServiceCatalog.load(join(ROOT, 'schemas'));
    for (const registry of catalog.registries) {
      const major = Number(/\.v(\d+)$/.exec(registry.address)![1]);
      expect(example.inquiryTopic('nix', registry.registry, major)).toBe(topicOf(settings, registry.address));
      // The group the broker counts adapters in (KafkaInquiryServer and KafkaInquiryClient name it so).
      expect(example.adapterGroup('nix', registry.registry, major)).toBe(topicOf(settings, `adapter.${registry.address}`));
    }
    expect(doc.channels.inquiry.description).toContain(example.adapterGroup('nix', '{registry}', 0).replace('.v0', '.v{major}'));
  });

  it("reads NIX's inquiries, and writes replies that NIX reads and that the document's reply schema allows", () => {
    const sent = inquiryToKafka(inquiry, REPLY_TOPIC, INQUIRY_TOPIC, sealer);
    expect(Buffer.from(sent.value as Buffer).includes('6260100001237')).toBe(false);
    expect(example.inquiryOf(kafkaRecord(sent), INQUIRY_TOPIC, exampleKeys)).toEqual({ ...inquiry, replyTo: REPLY_TOPIC });
    // What NIX's own adapters read from the same message.
    expect(inquiryFromKafka(kafkaRecord(sent), INQUIRY_TOPIC, sealer)).toEqual({ replyTo: REPLY_TOPIC, message: inquiry });
    // Both refuse it replayed into another topic; the example opens what an old key sealed (rotation).
    expect(() => example.inquiryOf(kafkaRecord(sent), 'nix.inquiry.identity.v1', exampleKeys)).toThrow(example.UnopenableValueError);
    expect(() => inquiryFromKafka(kafkaRecord(sent), 'nix.inquiry.identity.v1', sealer)).toThrow(UnopenablePayloadError);
    const byOldKey = inquiryToKafka(inquiry, REPLY_TOPIC, INQUIRY_TOPIC, new PayloadSealer([exampleKeys[1]]));
    expect(example.inquiryOf(kafkaRecord(byOldKey), INQUIRY_TOPIC, exampleKeys)).toEqual({ ...inquiry, replyTo: REPLY_TOPIC });

    const validate = new Ajv2020({ strict: false }).compile(doc.components.messages.reply.payload);
    const common = { exchangeId: 'e-1', adapterInstance: 'custodian-1', adapterReceivedAt: 1, adapterRepliedAt: 2, registryMs: 1 };
    for (const reply of [
      { ...common, status: 'ok', answer: { gtin: '6260100001237' } },
      { ...common, status: 'not-found', detail: 'no goods with this code' },
    ] satisfies example.Reply[]) {
      const message = example.replyMessage(reply, REPLY_TOPIC, exampleKeys);
      expect(message.headers).toEqual({ [HEADERS.exchangeId]: 'e-1', [HEADERS.keyId]: 'new' });
      expect(Object.keys(message.headers).sort()).toEqual([...doc.components.messages.reply.headers.required].sort());
      expect(replyExchangeId(kafkaRecord(message))).toBe('e-1');
      expect(() => replyFromKafka(kafkaRecord(message), 'nix.reply.broker-2', sealer)).toThrow(UnopenablePayloadError);
      const read = replyFromKafka(kafkaRecord(message), REPLY_TOPIC, sealer);
      expect(read).toEqual(reply);
      expect({ valid: validate(read), errors: validate.errors }).toEqual({ valid: true, errors: null });
    }
    // Not NIX's: no headers, or a body that is not a JSON object.
    expect(example.inquiryOf(kafkaRecord({ value: '{}' }), INQUIRY_TOPIC, exampleKeys)).toBeNull();
    const notJson = example.seal('not json', exampleKeys, 'e-1', INQUIRY_TOPIC);
    expect(example.inquiryOf({ ...kafkaRecord(sent), value: notJson.value }, INQUIRY_TOPIC, exampleKeys)).toBeNull();
  });
});
