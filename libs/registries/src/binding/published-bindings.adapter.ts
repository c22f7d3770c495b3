import type { RegistryAdapter, RegistryCall } from '../adapter/registry-adapter';
import type { HttpBinding } from './http-binding';
import { HttpBindingAdapter } from './http-binding.adapter';

/** One published version of a service and the `http` binding it was published with. */
export interface BoundVersion {
  service: string;
  version: string;
  binding: HttpBinding;
}

/** The published, `http`-bound versions of one registry, side by side: each inquiry is answered by its version's binding. */
export class PublishedBindingsAdapter implements RegistryAdapter {
  readonly services: readonly string[];
  private readonly inner: HttpBindingAdapter;
  private readonly keys: ReadonlySet<string>;

  constructor(
    readonly registry: string,
    versions: readonly BoundVersion[],
    credentials: Readonly<Record<string, string>>,
  ) {
    const bindings = Object.fromEntries(versions.map((v) => [`${v.service}@${v.version}`, v.binding]));
    this.inner = new HttpBindingAdapter({ registry, bindings, credentials });
    this.keys = new Set(Object.keys(bindings));
    this.services = [...new Set(versions.map((v) => v.service))];
  }

  serves(service: string, version: string): boolean {
    return this.keys.has(`${service}@${version}`);
  }

  answer(service: string, body: Record<string, unknown>, call: RegistryCall, version?: string): Promise<Record<string, unknown>> {
    return this.inner.answer(`${service}@${version}`, body, call);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
