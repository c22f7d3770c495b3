import type { Logger } from 'pino';
import { CatalogueRepository, CatalogueSnapshot, type CatalogueState, type LiveCatalog } from '@nix/catalog';
import { bootstrappedFirst, LiveState } from '@nix/governance';

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
  // The bootstrap comes before the first read, even when the store answers only later (never an empty catalogue),
  // on a repository without listeners.
  const importer = new CatalogueRepository(repository.sql);
  const source = options.bootstrap
    ? bootstrappedFirst(repository, async () => {
        if (await importer.bootstrap(catalog.schemas as Parameters<CatalogueRepository['bootstrap']>[0])) logger.info('service catalogue was empty: schemas/ imported');
      })
    : repository;
  const live = new LiveState<CatalogueState, CatalogueSnapshot>(source, (state) => new CatalogueSnapshot(state, catalog.current), {
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
  await live.refresh();
  return live.start();
}
