import { BaseRpcContext, ClientProxy, Server, type CustomTransportStrategy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { Clock, InquiryMessage, InquiryReply } from '@nix/domain';
import { requestOnce, type AdapterAwareTransport, type DirectRequests, type TransportStatus } from '../inquiry-dispatcher';
import { DeadlineExceededError, TransportUnavailableError } from '../transport-errors';

type Handler = (data: unknown) => Promise<unknown>;

/** Where in-process servers register their handlers and clients find them. */
export class InProcessBus {
  private readonly handlers = new Map<string, Handler>();

  register(pattern: string, handler: Handler): void {
    this.handlers.set(pattern, handler);
  }

  unregister(pattern: string): void {
    this.handlers.delete(pattern);
  }

  find(pattern: string): Handler | undefined {
    return this.handlers.get(pattern);
  }

  get patterns(): string[] {
    return [...this.handlers.keys()];
  }
}

export class InProcessContext extends BaseRpcContext<[string]> {
  getPattern(): string {
    return this.args[0];
  }
}

/**
 * The embedded default's transport, server half: it serves the adapter
 * handlers of this Nest app to clients in the same process.
 */
export class InProcessServer extends Server implements CustomTransportStrategy {
  override readonly transportId = Symbol('nix-in-process');
  private listening = false;

  constructor(
    private readonly bus: InProcessBus,
    private readonly clock: Clock,
  ) {
    super();
  }

  listen(callback: () => void): void {
    for (const [pattern, handler] of this.messageHandlers) {
      this.bus.register(pattern, async (data) => {
        const result = await this.withinDeadline(data as InquiryMessage, () => handler(data, new InProcessContext([pattern])));
        return isObservable(result) ? lastValueFrom(result) : result;
      });
    }
    this.listening = true;
    callback();
  }

  serveAddress(address: string, handler: (message: InquiryMessage) => Promise<unknown>): void {
    this.bus.register(address, async (data) => this.withinDeadline(data as InquiryMessage, () => handler(data as InquiryMessage)));
  }

  /** An adapter drops work whose deadline has passed: nobody waits for it. The broker answers 504 deadline-exceeded, as it does when the Kafka server drops such work unread. */
  private withinDeadline<T>(message: InquiryMessage, handle: () => T): T {
    if (message.deadline <= this.clock.now()) throw new DeadlineExceededError(0);
    return handle();
  }

  get isRunning(): boolean {
    return this.listening;
  }

  close(): void {
    this.listening = false;
    for (const pattern of this.messageHandlers.keys()) this.bus.unregister(pattern);
  }

  on(): void {
    // The in-process transport has no connection events.
  }

  unwrap<T>(): T {
    return this.bus as T;
  }
}

/** The embedded default's transport, client half. */
export class InProcessClient extends ClientProxy implements TransportStatus, AdapterAwareTransport, DirectRequests {
  readonly kind = 'in-process' as const;

  constructor(private readonly bus: InProcessBus) {
    super();
  }

  async connect(): Promise<void> {
    // Nothing to connect: the bus is in this process.
  }

  isConnected(): boolean {
    return true;
  }

  async adapterCounts(addresses: string[]): Promise<Record<string, number>> {
    return Object.fromEntries(addresses.map((a) => [a, this.bus.find(a) ? 1 : 0]));
  }

  /** Only when this process runs no adapter for the registry (NIX_ADAPTER_REGISTRIES leaves it out). */
  async isServed(address: string): Promise<boolean> {
    return this.bus.find(address) !== undefined;
  }

  close(): void {
    // Nothing to close.
  }

  /** send() as a promise, without rxjs: what the dispatcher calls per inquiry. */
  request(address: string, message: InquiryMessage, waitMs: number): Promise<InquiryReply> {
    return requestOnce(() => this.connect(), (packet, callback) => this.publish(packet, callback), address, message, waitMs);
  }

  unwrap<T>(): T {
    return this.bus as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const handler = this.bus.find(packet.pattern as string);
    if (!handler) {
      callback({ err: new TransportUnavailableError(`no adapter serves ${packet.pattern}`), isDisposed: true });
      return () => undefined;
    }
    let active = true;
    handler(packet.data).then(
      // No reply (the adapter dropped expired work): the caller's deadline answers.
      (response) => active && response !== null && callback({ response, isDisposed: true }),
      (err) => active && callback({ err, isDisposed: true }),
    );
    return () => {
      active = false;
    };
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    return (await this.bus.find(packet.pattern as string)?.(packet.data)) as T;
  }
}
