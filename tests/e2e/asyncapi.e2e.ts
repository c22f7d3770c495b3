import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ServiceCatalog } from '@nix/catalog';
import { HEADERS, inquiryToKafka, replyTopicOf, topicOf, trafficTopicOf, type KafkaSettings } from '@nix/messaging';
import { trafficRecordOf } from '@nix/domain';

const ROOT = join(__dirname, '..', '..');
const doc = parse(readFileSync(join(ROOT, 'contracts', 'topics', 'asyncapi.yaml'), 'utf8'));
const settings = { topicPrefix: 'nix', instanceId: 'broker-1' } as KafkaSettings;

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
    );
    expect(Object.keys(message.headers!).sort()).toEqual(Object.keys(doc.components.messages.inquiry.headers.properties).sort());
    expect(Object.values(HEADERS).sort()).toEqual(Object.keys(doc.components.messages.inquiry.headers.properties).sort());
    const record = trafficRecordOf({
      exchangeId: 'e', receivedAt: 1, facts: {}, outcome: 'ok', problemType: null, requestBytes: 0, respondedAt: 2, httpStatus: 200, responseBytes: 0, brokerInstance: 'b', trackingDigest: null,
    });
    expect(Object.keys(record).sort()).toEqual(Object.keys(doc.components.messages.trafficRecord.payload.properties).sort());
  });
});
