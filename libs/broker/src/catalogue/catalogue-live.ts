import type { Logger } from 'pino';
import { CatalogueSnapshot, type CatalogueRepository, type CatalogueState, type LiveCatalog } from '@nix/catalog';
import type { NixConfig } from '@nix/config';
import { LiveState } from '@nix/governance';

/**
 * Reads the catalogue before the broker serves: schemas/ is imported into an empty catalogue first (the bootstrap).
 * Each snapshot read replaces what the process serves (LiveCatalog), at once for a change made here and within the
 * poll for one made through another broker.
 */
export async function openLiveCatalogue(repository: CatalogueRepository, catalog: LiveCatalog, config: NixConfig, logger: Logger): Promise<LiveState<CatalogueState, CatalogueSnapshot>> {
  let failing = false;
  const live = new LiveState<CatalogueState, CatalogueSnapshot>(repository, (state) => new CatalogueSnapshot(state, catalog.current), {
    pollMs: config.governance.pollMs,
    onLoaded: (snapshot) => {
      catalog.use(snapshot);
      logger.info({ version: snapshot.version, services: snapshot.services().length }, 'service catalogue loaded');
      failing = false;
    },
    onError: (error) => {
      if (!failing) logger.warn({ err: error }, 'the service catalogue cannot be read; the last one read stays in force');
      failing = true;
    },
  });
  repository.onChange(() => live.refresh());
  try {
    if (await repository.bootstrap(catalog.schemas as Parameters<CatalogueRepository['bootstrap']>[0])) logger.info({ schemas: config.paths.schemas }, 'service catalogue was empty: schemas/ imported');
  } catch (error) {
    logger.warn({ err: error }, 'the service catalogue could not be bootstrapped yet');
  }
  await live.refresh();
  return live.start();
}
