import type { Clock, InquiryMessage, InquiryReply } from '@nix/domain';
import { RegistryAnswerError } from '../http/registry-http-client';
import type { RegistryAdapter, RegistryCall } from './registry-adapter';

/** Wraps every backend call of one adapter, e.g. in a circuit breaker. */
export type BackendGuard = <T>(operation: () => Promise<T>) => Promise<T>;

export interface HostedAdapter {
  adapter: RegistryAdapter;
  guard?: BackendGuard;
}

/** The registry backend could not answer within the inquiry's deadline. */
export class DeadlinePassedError extends Error {
  constructor() {
    super('the inquiry deadline passed before the registry answered');
    this.name = 'DeadlinePassedError';
  }
}

/**
 * Runs provider adapters for whichever transport delivers their inquiries:
 * finds the adapter, bounds its registry calls by the deadline, times them,
 * and turns every failure into a reply the broker can map.
 */
export class AdapterHost {
  private readonly adapters = new Map<string, HostedAdapter>();

  constructor(
    hosted: readonly HostedAdapter[],
    readonly instanceId: string,
    private readonly clock: Clock,
  ) {
    for (const h of hosted) this.adapters.set(h.adapter.registry, h);
  }

  get registries(): string[] {
    return [...this.adapters.keys()];
  }

  /** The reply to an inquiry, or null when its deadline passed meanwhile: nobody waits for it any more. */
  async handle(message: InquiryMessage): Promise<InquiryReply | null> {
    const adapterReceivedAt = this.clock.now();
    let registryMs = 0;
    const reply = (fields: Pick<InquiryReply, 'status' | 'answer' | 'detail'>): InquiryReply => ({
      exchangeId: message.exchangeId,
      ...fields,
      adapterInstance: this.instanceId,
      adapterReceivedAt,
      adapterRepliedAt: this.clock.now(),
      registryMs,
    });
    const hosted = this.adapters.get(message.registry);
    if (!hosted || !hosted.adapter.services.includes(message.service)) {
      return reply({ status: 'provider-error', detail: `this adapter does not serve ${message.registry}/${message.service}` });
    }
    const guard: BackendGuard = hosted.guard ?? ((operation) => operation());
    const call: RegistryCall = async (operation) => {
      const remaining = message.deadline - this.clock.now();
      if (remaining <= 0) throw new DeadlinePassedError();
      const signal = AbortSignal.timeout(Math.ceil(remaining));
      const started = performance.now();
      try {
        return await guard(() => operation(signal));
      } catch (error) {
        throw signal.aborted ? new DeadlinePassedError() : error;
      } finally {
        registryMs += performance.now() - started;
      }
    };
    try {
      const answer = await hosted.adapter.answer(message.service, message.body, call);
      return reply(answer.status === 'ok' ? { status: 'ok', answer: answer.answer } : answer);
    } catch (error) {
      if (error instanceof DeadlinePassedError) return null;
      return reply({ status: 'provider-error', detail: describeFailure(error) });
    }
  }
}

/** A reason safe to pass on: the error's kind and status, never data. */
function describeFailure(error: unknown): string {
  if (error instanceof RegistryAnswerError) return error.message;
  const e = error as { name?: string; status?: number; code?: string };
  if (e?.name === 'BreakerOpenError') return 'the registry backend is failing and its circuit is open';
  if (typeof e?.status === 'number') return `the registry answered HTTP ${e.status}`;
  if (e?.code) return `the registry could not be reached (${e.code})`;
  return 'the registry backend failed';
}
