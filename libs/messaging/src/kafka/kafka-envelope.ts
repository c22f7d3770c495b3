import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { InquiryMessage, InquiryReply } from '@nix/domain';

/** Kafka headers of an inquiry: everything a hop needs without reading the body. */
export const HEADERS = {
  exchangeId: 'nix-exchange-id',
  registry: 'nix-registry',
  service: 'nix-service',
  version: 'nix-version',
  consumer: 'nix-consumer',
  purpose: 'nix-purpose',
  trackingCode: 'nix-tracking-code',
  deadline: 'nix-deadline',
  replyTo: 'nix-reply-to',
} as const;

export function inquiryToKafka(message: InquiryMessage, replyTo: string): Message {
  const headers: IHeaders = {
    [HEADERS.exchangeId]: message.exchangeId,
    [HEADERS.registry]: message.registry,
    [HEADERS.service]: message.service,
    [HEADERS.version]: message.version,
    [HEADERS.consumer]: message.consumer,
    [HEADERS.purpose]: message.purpose,
    [HEADERS.deadline]: String(message.deadline),
    [HEADERS.replyTo]: replyTo,
  };
  if (message.trackingCode) headers[HEADERS.trackingCode] = message.trackingCode;
  return { key: message.exchangeId, value: JSON.stringify(message.body), headers };
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

/** Reads an inquiry off Kafka; null when its headers are not NIX's (it is skipped). */
export function inquiryFromKafka(record: KafkaMessage): ReceivedInquiry | null {
  const h = record.headers;
  const exchangeId = header(h, HEADERS.exchangeId);
  const replyTo = header(h, HEADERS.replyTo);
  const deadline = Number(header(h, HEADERS.deadline));
  if (!exchangeId || !replyTo || !Number.isFinite(deadline) || !record.value) return null;
  return {
    replyTo,
    message: {
      exchangeId,
      registry: header(h, HEADERS.registry) ?? '',
      service: header(h, HEADERS.service) ?? '',
      version: header(h, HEADERS.version) ?? '',
      consumer: header(h, HEADERS.consumer) ?? '',
      purpose: header(h, HEADERS.purpose) ?? '',
      trackingCode: header(h, HEADERS.trackingCode),
      deadline,
      body: JSON.parse(record.value.toString('utf8')) as Record<string, unknown>,
    },
  };
}

export function replyToKafka(reply: InquiryReply): Message {
  return { key: reply.exchangeId, value: JSON.stringify(reply), headers: { [HEADERS.exchangeId]: reply.exchangeId } };
}

export function replyExchangeId(record: KafkaMessage): string | undefined {
  return header(record.headers, HEADERS.exchangeId);
}

export function replyFromKafka(record: KafkaMessage): InquiryReply {
  return JSON.parse(record.value!.toString('utf8')) as InquiryReply;
}
