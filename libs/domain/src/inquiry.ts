/**
 * What the broker sends a provider adapter: one inquiry, addressed to a
 * registry service, with the metadata every hop needs. The body is the
 * consumer's request and travels only in transit (R3).
 */
export interface InquiryMessage {
  exchangeId: string;
  registry: string;
  service: string;
  /** The service's semantic version, as catalogued. */
  version: string;
  consumer: string;
  purpose: string;
  trackingCode?: string;
  /** Epoch milliseconds after which nobody waits for the answer. */
  deadline: number;
  body: Record<string, unknown>;
}

/** How the adapter host ended the inquiry; the broker maps each to its answer or problem. */
export type ReplyStatus = 'ok' | 'not-found' | 'rejected' | 'provider-error';

/** What an adapter answers, with its own timings for the ledger. */
export interface InquiryReply {
  exchangeId: string;
  status: ReplyStatus;
  /** The registry's answer, present when status is ok. */
  answer?: Record<string, unknown>;
  /** A reason fit for the consumer; never carries the registry's data. */
  detail?: string;
  adapterInstance: string;
  adapterReceivedAt: number;
  adapterRepliedAt: number;
  registryMs: number;
}

/**
 * Where a registry's major version takes inquiries, whatever the transport:
 * the in-process address, and on Kafka the topic after the cluster's prefix
 * (nix.inquiry.identity.v1 by default).
 */
export function inquiryAddress(registry: string, majorVersion: number): string {
  return `inquiry.${registry}.v${majorVersion}`;
}

export function majorOf(version: string): number {
  return Number.parseInt(version.split('.')[0], 10);
}
