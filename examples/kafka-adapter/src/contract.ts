// NIX's topic contract (contracts/topics/asyncapi.yaml in the NIX repository), written out for an adapter.
// Everything here comes from that document: topic and group names, the inquiry's headers, the reply's shape.

/** The inquiry's Kafka headers (components.messages.inquiry.headers). */
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

/** Reads an inquiry off its Kafka message; null when it is not one (no exchange ID, reply topic or deadline, or no JSON body). */
export function inquiryOf(message: { headers?: Headers; value: Buffer | null }): Inquiry | null {
  const h = message.headers;
  const exchangeId = header(h, HEADERS.exchangeId);
  const replyTo = header(h, HEADERS.replyTo);
  const deadline = Number(header(h, HEADERS.deadline));
  if (!exchangeId || !replyTo || !Number.isFinite(deadline) || !message.value) return null;
  let body: unknown;
  try {
    body = JSON.parse(message.value.toString('utf8'));
  } catch {
    return null;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
  return {
    exchangeId,
    registry: header(h, HEADERS.registry) ?? '',
    service: header(h, HEADERS.service) ?? '',
    version: header(h, HEADERS.version) ?? '',
    consumer: header(h, HEADERS.consumer) ?? '',
    purpose: header(h, HEADERS.purpose) ?? '',
    trackingCode: header(h, HEADERS.trackingCode),
    deadline,
    replyTo,
    body: body as Record<string, unknown>,
  };
}

/** The reply's Kafka message for the asking broker's reply topic: keyed and headed by the exchange ID. */
export function replyMessage(reply: Reply): { key: string; value: string; headers: Record<string, string> } {
  return { key: reply.exchangeId, value: JSON.stringify(reply), headers: { [HEADERS.exchangeId]: reply.exchangeId } };
}
