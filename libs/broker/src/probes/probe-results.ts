import type { Outcome } from '@nix/domain';

/** The last probe of a service, as the public status shows it: names, times and outcomes only. */
export interface ProbeResult {
  checkedAt: string;
  ok: boolean;
  outcome: Outcome;
  durationMs: number;
}

/** The last probe result of each service this broker probes (in memory, per broker, like incidents). */
export class ProbeResults {
  private readonly byService = new Map<string, ProbeResult>();

  set(registry: string, service: string, result: ProbeResult): void {
    this.byService.set(`${registry}/${service}`, result);
  }

  get(registry: string, service: string): ProbeResult | null {
    return this.byService.get(`${registry}/${service}`) ?? null;
  }

  /** Drops the results of services no longer probed (unpublished, or their probe agreement suspended). */
  keepOnly(services: ReadonlySet<string>): string[] {
    const dropped = [...this.byService.keys()].filter((key) => !services.has(key));
    for (const key of dropped) this.byService.delete(key);
    return dropped;
  }
}
