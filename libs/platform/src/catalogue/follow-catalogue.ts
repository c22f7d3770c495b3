import type { Logger } from 'pino';
import { CatalogueSnapshot, type CatalogueRepository, type CatalogueState, type LiveCatalog } from '@nix/catalog';
import { LiveState } from '@nix/governance';

export interface FollowOptions {
  pollMs: number;
  logger: Logger;
  /** Import schemas/ into an empty catalogue first (the broker does; adapter processes only read). */
  bootstrap: boolean;
}

/**
 * Keeps the catalogue a process serves (LiveCatalog) on the store's: read before the process serves, at once after a
 * change made through this process's repository, and within pollMs after one made elsewhere.
 */
export async function followCatalogue(repository: CatalogueRepository, catalog: LiveCatalog, options: FollowOptions): Promise<LiveState<CatalogueState, CatalogueSnapshot>> {
  const { logger } = options;
  let failing = false;
  const live = new LiveState<CatalogueState, CatalogueSnapshot>(repository, (state) => new CatalogueSnapshot(state, catalog.current), {
    pollMs: options.pollMs,
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
  if (options.bootstrap) {
    try {
      if (await repository.bootstrap(catalog.schemas as Parameters<CatalogueRepository['bootstrap']>[0])) logger.info('service catalogue was empty: schemas/ imported');
    } catch (error) {
      logger.warn({ err: error }, 'the service catalogue could not be bootstrapped yet');
    }
  }
  await live.refresh();
  return live.start();
}
