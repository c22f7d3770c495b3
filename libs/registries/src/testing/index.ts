// For specs and tests only (lint refuses these imports in production code): fake registries over HTTP.
export * from './registry-api-records';
export * from './sample-registry-server';
export * from './parcel-registry-server';
