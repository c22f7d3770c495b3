import { upcomingMaintenance, type LiveCatalog } from '@nix/catalog';
import type { ServiceNotices } from './service-status';
import type { ServiceListing } from './status.service';

/** What custodians announced in the catalogue: the newest version's hours, and the windows not yet ended. */
export function catalogueNotices(catalog: LiveCatalog): ServiceNotices {
  return {
    hours: (registry, service) => catalog.versions(registry, service).at(-1)?.published.hours ?? '24x7',
    maintenance: (registry, service, now) => upcomingMaintenance(catalog.maintenance(), registry, service, now).map((w) => ({ from: w.from, until: w.until, note: w.note })),
  };
}

/** Every service of the catalogue with the versions published now. */
export function catalogueListing(catalog: LiveCatalog): ServiceListing {
  return {
    services: () =>
      catalog.services().map((s) => {
        const published = catalog.versions(s.registry, s.service).map((v) => v.published.version);
        return { registry: s.registry, service: s.service, versions: published.length > 0 ? published : [s.version], title: s.title, registryTitle: catalog.registry(s.registry)!.title };
      }),
  };
}
