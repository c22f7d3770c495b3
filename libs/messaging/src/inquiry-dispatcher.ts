import type { ClientProxy, CustomTransportStrategy, ReadPacket, WritePacket } from '@nestjs/microservices';
import { lastValueFrom, timeout, TimeoutError } from 'rxjs';
import type { InquiryMessage, InquiryReply } from '@nix/domain';
import { DeadlineExceededError, NoAdapterError, TransportUnavailableError } from './transport-errors';

/**
 * The broker's port to the provider adapters. It does not know which
 * transport carries the inquiry; it answers the adapter's reply or fails
 * with TransportUnavailableError or DeadlineExceededError.
 */
export interface InquiryDispatcher {
  dispatch(address: string, message: InquiryMessage): Promise<InquiryReply>;
  /** Fails at once with NoAdapterError when the transport knows that no adapter serves the address now. */
  ensureServed?(address: string): Promise<void>;
}

export const INQUIRY_DISPATCHER = Symbol('INQUIRY_DISPATCHER');

/** What a transport client can say about itself, for readiness. */
export interface TransportStatus {
  readonly kind: 'in-process' | 'kafka';
  /** Whether inquiries can be sent now. */
  isConnected(): boolean;
  /** How many adapter instances take each address's inquiries now. */
  adapterCounts(addresses: string[]): Promise<Record<string, number>>;
}

/** A transport that keeps a view of which addresses have an adapter (Kafka; in process they always have). */
export interface AdapterAwareTransport {
  isServed(address: string): Promise<boolean>;
}

/** A broker's transport client: it carries inquiries, and says how the transport and the adapters are. */
export type InquiryClient = ClientProxy & TransportStatus & AdapterAwareTransport;

/** An adapter process's transport server: it serves the adapters' handlers, and says whether it consumes. */
export type InquiryServer = CustomTransportStrategy & {
  /** Whether it takes inquiries now (in every registry's consumer group, over Kafka). */
  readonly isRunning: boolean;
  /**
   * Starts taking one more address's inquiries while running (a service published at run time), where the transport
   * can; absent where it cannot (Kafka: its consumers subscribe at start).
   */
  serveAddress?(address: string, handler: (message: InquiryMessage) => Promise<unknown>): void;
};

/**
 * A transport client that also answers one request as a promise: the dispatch path without ClientProxy.send's
 * Observable chain (defer, mergeMap, timeout, lastValueFrom), which cost a few per cent of the CPU per inquiry.
 */
export interface DirectRequests {
  request(address: string, message: InquiryMessage, waitMs: number): Promise<InquiryReply>;
}

export function hasDirectRequests(client: unknown): client is DirectRequests {
  return typeof (client as DirectRequests)?.request === 'function';
}

/**
 * One request through a ClientProxy's connect and publish, as send() makes it, without rxjs: the first reply or
 * error settles it; past waitMs it fails with DeadlineExceededError and the publish is disposed (the caller stopped
 * waiting), as the timeout operator unsubscribes.
 */
export function requestOnce<T>(
  connect: () => Promise<void>,
  publish: (packet: ReadPacket, callback: (packet: WritePacket) => void) => () => void,
  pattern: string,
  data: unknown,
  waitMs: number,
): Promise<T> {
  return connect().then(
    () =>
      new Promise<T>((resolve, reject) => {
        let settled = false;
        let timer: NodeJS.Timeout | undefined;
        const settle = (fn: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          fn();
        };
        const dispose = publish({ pattern, data }, (packet) => {
          if (packet.err !== undefined && packet.err !== null) settle(() => reject(packet.err as Error));
          else if (packet.response !== undefined) settle(() => resolve(packet.response as T));
          else if (packet.isDisposed) settle(() => reject(new Error('the transport completed without a reply')));
        });
        if (!settled) {
          timer = setTimeout(() => settle(() => {
            dispose();
            reject(new DeadlineExceededError(waitMs));
          }), waitMs);
        }
      }),
  );
}

export function isAdapterAware(client: unknown): client is AdapterAwareTransport {
  return typeof (client as AdapterAwareTransport)?.isServed === 'function';
}

/** Dispatches through a Nest ClientProxy: in-process or Kafka, the same way. */
export class ClientProxyDispatcher implements InquiryDispatcher {
  constructor(
    private readonly client: ClientProxy,
    private readonly now: () => number,
  ) {}

  async ensureServed(address: string): Promise<void> {
    if (isAdapterAware(this.client) && !(await this.client.isServed(address))) throw new NoAdapterError(address);
  }

  async dispatch(address: string, message: InquiryMessage): Promise<InquiryReply> {
    const waitMs = message.deadline - this.now();
    if (waitMs <= 0) throw new DeadlineExceededError(0);
    try {
      if (hasDirectRequests(this.client)) return await this.client.request(address, message, waitMs);
      return await lastValueFrom(this.client.send<InquiryReply, InquiryMessage>(address, message).pipe(timeout({ first: waitMs })));
    } catch (error) {
      if (error instanceof TimeoutError) throw new DeadlineExceededError(waitMs);
      if (error instanceof DeadlineExceededError || error instanceof TransportUnavailableError) throw error;
      throw new TransportUnavailableError(reasonOf(error));
    }
  }
}

function reasonOf(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) return String((error as Error).message);
  return String(error);
}
