import type { ClientProxy } from '@nestjs/microservices';
import { lastValueFrom, timeout, TimeoutError } from 'rxjs';
import type { InquiryMessage, InquiryReply } from '@nix/domain';
import { DeadlineExceededError, TransportUnavailableError } from './transport-errors';

/**
 * The broker's port to the provider adapters. It does not know which
 * transport carries the inquiry; it answers the adapter's reply or fails
 * with TransportUnavailableError or DeadlineExceededError.
 */
export interface InquiryDispatcher {
  dispatch(address: string, message: InquiryMessage): Promise<InquiryReply>;
}

export const INQUIRY_DISPATCHER = Symbol('INQUIRY_DISPATCHER');

/** Dispatches through a Nest ClientProxy: in-process or Kafka, the same way. */
export class ClientProxyDispatcher implements InquiryDispatcher {
  constructor(
    private readonly client: ClientProxy,
    private readonly now: () => number,
  ) {}

  async dispatch(address: string, message: InquiryMessage): Promise<InquiryReply> {
    const waitMs = message.deadline - this.now();
    if (waitMs <= 0) throw new DeadlineExceededError(0);
    try {
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
