import type { Clock, InquiryMessage, InquiryReply } from '@nix/domain';
import { RegistryAnswerError } from '../http/registry-http-client';
import { DeadlinePassedError, InquiryRejectedError, RecordNotFoundError, type BackendRequest, type RegistryAdapter, type RegistryCall } from './registry-adapter';

/** Wraps every backend call of one adapter, e.g. in a circuit breaker. */
export type BackendGuard = <T>(operation: () => Promise<T>) => Promise<T>;

export interface HostedAdapter {
  adapter: RegistryAdapter;
  guard?: BackendGuard;
}

/**
 * Runs provider adapters for whichever transport delivers their inquiries:
 * finds the adapter, bounds its registry calls by the deadline, times them,
 * and builds the reply.
 *
 * The error style of every NIX role: code inside throws typed errors, and
 * each role turns them into its answer at one boundary. The broker's is its
 * problem filter (application/problem+json); the adapter host's is handle()
 * here (the reply status the broker maps); the recorder's is its batch loop
 * (retry, quarantine, readiness).
 */
export class AdapterHost {
  private readonly adapters = new Map<string, HostedAdapter>();
  /** Adapters of services published with a binding, per registry; asked before the built-in ones. */
  private readonly published = new Map<string, HostedAdapter>();

  constructor(
    hosted: readonly HostedAdapter[],
    readonly instanceId: string,
    private readonly clock: Clock,
  ) {
    for (const h of hosted) this.adapters.set(h.adapter.registry, h);
  }

  /** Serves a registry's published, bound versions with this adapter from now on (null: none any more). */
  bindPublished(registry: string, hosted: HostedAdapter | null): void {
    if (hosted) this.published.set(registry, hosted);
    else this.published.delete(registry);
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
    const bound = this.published.get(message.registry);
    const hosted = bound?.adapter.serves?.(message.service, message.version) ? bound : this.adapters.get(message.registry);
    if (!hosted || !hosted.adapter.services.includes(message.service)) {
      return reply({ status: 'provider-error', detail: `this adapter does not serve ${message.registry}/${message.service}` });
    }
    const guard: BackendGuard = hosted.guard ?? ((operation) => operation());
    const call: RegistryCall = async (operation) => {
      const remaining = message.deadline - this.clock.now();
      if (remaining <= 0) throw new DeadlinePassedError();
      const request = new DeadlineBoundRequest(message, remaining);
      const started = performance.now();
      try {
        return await guard(() => operation(request));
      } catch (error) {
        throw request.aborted || this.clock.now() >= message.deadline ? new DeadlinePassedError() : error;
      } finally {
        request.end();
        registryMs += performance.now() - started;
      }
    };
    try {
      return reply({ status: 'ok', answer: await hosted.adapter.answer(message.service, message.body, call, message.version) });
    } catch (error) {
      if (error instanceof DeadlinePassedError) return null;
      if (error instanceof RecordNotFoundError) return reply({ status: 'not-found' });
      if (error instanceof InquiryRejectedError) return reply({ status: 'rejected', detail: error.reason });
      return reply({ status: 'provider-error', detail: describeFailure(error) });
    }
  }
}

/**
 * One backend call's request, whose signal ends it at the deadline. The signal (an AbortController and its timer) is
 * made only when the backend asks for it: an in-memory backend (the sample registry) never does, and a controller
 * and a timer per inquiry showed in issue 15's profile. Not AbortSignal.timeout: its timer outlives the call and
 * builds a DOMException (with a stack) when it fires.
 */
class DeadlineBoundRequest implements BackendRequest {
  readonly exchangeId: string;
  readonly trackingCode?: string;
  private controller: AbortController | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ended = false;

  constructor(
    message: InquiryMessage,
    private readonly remainingMs: number,
  ) {
    this.exchangeId = message.exchangeId;
    if (message.trackingCode) this.trackingCode = message.trackingCode;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      // A call already over never aborts: its timer would only outlive it.
      if (!this.ended) this.timer = setTimeout(abortOnDeadline, Math.ceil(this.remainingMs), this.controller);
    }
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller?.signal.aborted ?? false;
  }

  /** The call is over: its deadline timer, if any, is cleared. */
  end(): void {
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
  }
}

function abortOnDeadline(controller: AbortController): void {
  controller.abort(new DeadlinePassedError());
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
