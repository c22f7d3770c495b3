import { EventTypeCatalog } from '@nix/catalog';
import type { NixConfig } from '@nix/config';
import { NIX_CONFIG } from '@nix/platform';

/** The event types of the catalogue (schemas/), read once at start. */
export const EVENT_TYPES = Symbol('EVENT_TYPES');

export const EVENT_TYPES_PROVIDER = { provide: EVENT_TYPES, inject: [NIX_CONFIG], useFactory: (config: NixConfig) => EventTypeCatalog.load(config.paths.schemas) };
