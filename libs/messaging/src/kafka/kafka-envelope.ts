import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { InquiryMessage, InquiryReply } from '@nix/domain';
import { type PayloadSealer } from './payload-sealer';

/** Kafka headers of an inquiry: everything a hop needs without reading the body. */
export const HEADERS = {
  exchangeId: 'nix-exchange-id',
  registry: 'nix-registry',
  service: 'nix-service',
  version: 'nix-version',
  consumer: 'nix-consumer',
  purpose: 'nix-purpose',
  deadline: 'nix-deadline',
  replyTo: 'nix-reply-to',
  keyId: 'nix-key-id',
} as const;

/**
 * What an inquiry's sealed value holds: its body, and the consumer's tracking
 * code (a caller may put an identifier there, so it is not a header).
 */
export interface SealedInquiryContent {
  body: Record<string, unknown>;
  trackingCode?: string;
}

/**
 * An inquiry for its registry's topic. Body and tracking code are sealed (AES-256-GCM,
 * bound to the exchange ID and the topic); the headers are the metadata hops route by.
 */
export function inquiryToKafka(message: InquiryMessage, replyTo: string, topic: string, sealer: PayloadSealer): Message {
  const content: SealedInquiryContent = message.trackingCode ? { body: message.body, trackingCode: message.trackingCode } : { body: message.body };
  const sealed = sealer.seal(Buffer.from(JSON.stringify(content), 'utf8'), { exchangeId: message.exchangeId, topic });
  const headers: IHeaders = {
    [HEADERS.exchangeId]: message.exchangeId,
    [HEADERS.registry]: message.registry,
    [HEADERS.service]: message.service,
    [HEADERS.version]: message.version,
    [HEADERS.consumer]: message.consumer,
    [HEADERS.purpose]: message.purpose,
    [HEADERS.deadline]: String(message.deadline),
    [HEADERS.replyTo]: replyTo,
    [HEADERS.keyId]: sealed.keyId,
  };
  return { key: message.exchangeId, value: sealed.value, headers };
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  return Buffer.isBuffer(value) ? value.toString('utf8') : Array.isArray(value) ? String(value[0]) : String(value);
}

export interface ReceivedInquiry {
  message: InquiryMessage;
  replyTo: string;
}

/**
 * Reads an inquiry off its topic; null when its headers are not NIX's (it is skipped).
 * Throws UnopenablePayloadError when its body does not open (another key, exchange or topic).
 */
export function inquiryFromKafka(record: KafkaMessage, topic: string, sealer: PayloadSealer): ReceivedInquiry | null {
  const h = record.headers;
  const exchangeId = header(h, HEADERS.exchangeId);
  const replyTo = header(h, HEADERS.replyTo);
  const deadline = Number(header(h, HEADERS.deadline));
  if (!exchangeId || !replyTo || !Number.isFinite(deadline) || !record.value) return null;
  const content = JSON.parse(sealer.open(record.value, header(h, HEADERS.keyId), { exchangeId, topic }).toString('utf8')) as SealedInquiryContent;
  return {
    replyTo,
    message: {
      exchangeId,
      registry: header(h, HEADERS.registry) ?? '',
      service: header(h, HEADERS.service) ?? '',
      version: header(h, HEADERS.version) ?? '',
      consumer: header(h, HEADERS.consumer) ?? '',
      purpose: header(h, HEADERS.purpose) ?? '',
      trackingCode: content.trackingCode,
      deadline,
      body: content.body,
    },
  };
}

/** A reply for the reply topic its inquiry named: sealed whole, bound to the exchange ID and that topic. */
export function replyToKafka(reply: InquiryReply, topic: string, sealer: PayloadSealer): Message {
  const sealed = sealer.seal(Buffer.from(JSON.stringify(reply), 'utf8'), { exchangeId: reply.exchangeId, topic });
  return { key: reply.exchangeId, value: sealed.value, headers: { [HEADERS.exchangeId]: reply.exchangeId, [HEADERS.keyId]: sealed.keyId } };
}

export function replyExchangeId(record: KafkaMessage): string | undefined {
  return header(record.headers, HEADERS.exchangeId);
}

/** Reads a reply off a reply topic; throws UnopenablePayloadError when it does not open for this exchange and topic. */
export function replyFromKafka(record: KafkaMessage, topic: string, sealer: PayloadSealer): InquiryReply {
  const exchangeId = header(record.headers, HEADERS.exchangeId) ?? '';
  const plain = sealer.open(record.value ?? Buffer.alloc(0), header(record.headers, HEADERS.keyId), { exchangeId, topic });
  return JSON.parse(plain.toString('utf8')) as InquiryReply;
}
