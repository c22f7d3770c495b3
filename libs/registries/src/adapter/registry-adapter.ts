/**
 * A provider adapter: turns a registry service's inquiry into calls on the
 * registry's backend and builds the catalogued answer. Adapters are plain
 * classes; the adapter host carries them over whichever transport runs.
 */
export interface RegistryAdapter {
  readonly registry: string;
  readonly services: readonly string[];
  answer(service: string, body: Record<string, unknown>, call: RegistryCall): Promise<AdapterAnswer>;
}

export type AdapterAnswer =
  | { status: 'ok'; answer: Record<string, unknown> }
  | { status: 'not-found' }
  | { status: 'rejected'; detail: string };

/**
 * How an adapter reaches its registry backend: the host times each call,
 * bounds it by the inquiry's deadline and guards it with a circuit breaker.
 */
export type RegistryCall = <T>(operation: (signal: AbortSignal) => Promise<T>) => Promise<T>;

export const notFound: AdapterAnswer = { status: 'not-found' };

export function ok(answer: Record<string, unknown>): AdapterAnswer {
  return { status: 'ok', answer };
}
