import { ProblemError } from '@nix/domain';
import type { LiveCatalog, PublishedServiceVersion } from '@nix/catalog';

/** A registry as the public catalogue shows it: who keeps it and which services it offers (none yet, at first). */
export function registriesOf(catalog: Pick<LiveCatalog, 'registries'>) {
  return catalog.registries.map((r) => ({
    registry: r.registry,
    custodian: r.custodian,
    title: r.title,
    description: r.description,
    services: r.services.map((s) => s.service),
  }));
}

/** One published version as the public catalogue shows it; the binding only for the registry's custodian. */
function versionView(v: PublishedServiceVersion, withBinding: boolean) {
  return {
    version: v.version,
    title: v.title,
    description: v.description,
    request: v.request,
    response: v.response,
    timeoutMs: v.timeoutMs,
    loa: v.loa,
    hours: v.hours,
    dataProtectionStatement: v.dataProtectionStatement,
    publishedAt: v.publishedAt,
    deprecation: v.deprecation,
    ...(withBinding ? { binding: v.binding } : {}),
  };
}

/** Every published version of a service, oldest first; 404 unknown-service when it has none. */
export function publishedVersionsOf(catalog: Pick<LiveCatalog, 'versions'>, registry: string, service: string, withBinding: boolean) {
  const versions = catalog.versions(registry, service);
  if (versions.length === 0) throw new ProblemError('unknown-service', 'No such registry service is catalogued; GET /v1/services lists them all.');
  return versions.map((v) => versionView(v.published, withBinding));
}
