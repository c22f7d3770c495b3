// The adapter host role: each registry's provider adapter, reachable on its inquiry address.
export * from './adapter.module';
export * from './served-registries';
