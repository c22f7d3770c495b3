// NIX's topic contract (contracts/topics/asyncapi.yaml in the NIX repository), written out for an adapter.
// Everything here comes from that document: topic and group names, the inquiry's headers, the reply's shape,
// and how values are sealed (components.messages.*.payload: AES-256-GCM).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The inquiry's Kafka headers (components.messages.inquiry.headers). */
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

/** A payload key shared with NIX's brokers (NIX_PAYLOAD_KEYS): AES-256, named by the nix-key-id header. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

/** Reads NIX_PAYLOAD_KEYS' format, `id:base64key,…`: the first key seals, every key opens (rotation). */
export function payloadKeysOf(text: string): PayloadKey[] {
  const keys = text.split(',').map((entry) => {
    const [id, base64, ...rest] = entry.trim().split(':');
    const key = Buffer.from(base64 ?? '', 'base64');
    if (!id || rest.length > 0 || key.length !== 32) throw new Error('payload keys must be id:base64key pairs of 32-byte keys, separated by commas');
    return { id, key };
  });
  if (keys.length === 0) throw new Error('at least one payload key is needed');
  return keys;
}

/** A value that does not open: another key, or replayed from another exchange or topic. It is dropped. */
export class UnopenableValueError extends Error {}

/** The additional authenticated data: "nix-payload-v1", the exchange ID and the topic, NUL-separated. */
function bindingOf(exchangeId: string, topic: string): Buffer {
  return Buffer.from(`nix-payload-v1\0${exchangeId}\0${topic}`, 'utf8');
}

/** Seals with the first key: 12-byte IV ‖ AES-256-GCM ciphertext ‖ 16-byte tag. */
export function seal(plain: string, keys: PayloadKey[], exchangeId: string, topic: string): { keyId: string; value: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys[0].key, iv);
  cipher.setAAD(bindingOf(exchangeId, topic));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return { keyId: keys[0].id, value: Buffer.concat([iv, body, cipher.getAuthTag()]) };
}

/** Opens a value sealed for this exchange and topic with the key its header names. */
export function open(value: Buffer, keyId: string | undefined, keys: PayloadKey[], exchangeId: string, topic: string): string {
  const key = keys.find((k) => k.id === keyId)?.key;
  if (!key) throw new UnopenableValueError(`no payload key "${keyId ?? ''}"`);
  if (value.length < 28) throw new UnopenableValueError('a sealed value is too short');
  const decipher = createDecipheriv('aes-256-gcm', key, value.subarray(0, 12));
  decipher.setAAD(bindingOf(exchangeId, topic));
  decipher.setAuthTag(value.subarray(value.length - 16));
  try {
    return Buffer.concat([decipher.update(value.subarray(12, value.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    throw new UnopenableValueError(`the value does not open with key "${keyId}" for this exchange and topic`);
  }
}

/** channels.inquiry.address: '{prefix}.inquiry.{registry}.v{major}'; the prefix is NIX_KAFKA_TOPIC_PREFIX ("nix"). */
export function inquiryTopic(prefix: string, registry: string, major: number): string {
  return `${prefix}.inquiry.${registry}.v${major}`;
}

/**
 * The consumer group that reads a registry's inquiries: '{prefix}.adapter.inquiry.{registry}.v{major}'.
 * Instances in it share the topic's partitions, and the broker counts its members: with none it answers
 * 503 no-adapter at once instead of sending.
 */
export function adapterGroup(prefix: string, registry: string, major: number): string {
  return `${prefix}.adapter.inquiry.${registry}.v${major}`;
}

/** An inquiry as it arrives: its headers, and the body that NIX validated against the service's request schema. */
export interface Inquiry {
  exchangeId: string;
  registry: string;
  service: string;
  version: string;
  consumer: string;
  purpose: string;
  trackingCode?: string;
  /** Epoch milliseconds after which nobody waits for the answer. */
  deadline: number;
  replyTo: string;
  body: Record<string, unknown>;
}

/** components.messages.reply.payload. */
export interface Reply {
  exchangeId: string;
  status: 'ok' | 'not-found' | 'rejected' | 'provider-error';
  /** The answer when ok, in the shape of the service's response schema; NIX cuts it to the agreed data items. */
  answer?: Record<string, unknown>;
  /** A reason that carries no registry data. */
  detail?: string;
  adapterInstance: string;
  adapterReceivedAt: number;
  adapterRepliedAt: number;
  registryMs: number;
}

/** What an adapter's own lookup says about one inquiry. */
export type Outcome = { status: 'ok'; answer: Record<string, unknown> } | { status: 'not-found' | 'rejected' | 'provider-error'; detail: string };

type Headers = Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined;

function header(headers: Headers, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  return String(Array.isArray(value) ? value[0] : value);
}

/**
 * Reads an inquiry off its Kafka message on `topic`; null when it is not one (no exchange ID, reply topic or deadline,
 * or no JSON body). Throws UnopenableValueError when its sealed value does not open.
 */
export function inquiryOf(message: { headers?: Headers; value: Buffer | null }, topic: string, keys: PayloadKey[]): Inquiry | null {
  const h = message.headers;
  const exchangeId = header(h, HEADERS.exchangeId);
  const replyTo = header(h, HEADERS.replyTo);
  const deadline = Number(header(h, HEADERS.deadline));
  if (!exchangeId || !replyTo || !Number.isFinite(deadline) || !message.value) return null;
  const content = open(message.value, header(h, HEADERS.keyId), keys, exchangeId, topic);
  // The sealed value: {"body": {...}, "trackingCode"?: "..."}.
  let sealed: { body?: unknown; trackingCode?: unknown };
  try {
    sealed = JSON.parse(content);
  } catch {
    return null;
  }
  const body = sealed?.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  return {
    exchangeId,
    registry: header(h, HEADERS.registry) ?? '',
    service: header(h, HEADERS.service) ?? '',
    version: header(h, HEADERS.version) ?? '',
    consumer: header(h, HEADERS.consumer) ?? '',
    purpose: header(h, HEADERS.purpose) ?? '',
    trackingCode: typeof sealed.trackingCode === 'string' ? sealed.trackingCode : undefined,
    deadline,
    replyTo,
    body: body as Record<string, unknown>,
  };
}

/** The reply's Kafka message for the asking broker's reply topic: keyed and headed by the exchange ID, sealed for that topic. */
export function replyMessage(reply: Reply, topic: string, keys: PayloadKey[]): { key: string; value: Buffer; headers: Record<string, string> } {
  const sealed = seal(JSON.stringify(reply), keys, reply.exchangeId, topic);
  return { key: reply.exchangeId, value: sealed.value, headers: { [HEADERS.exchangeId]: reply.exchangeId, [HEADERS.keyId]: sealed.keyId } };
}
