import { ROLE_DEFAULTS, runNix } from '@nix/runtime';

// Provider adapters alone, for the registries given as arguments (identity,vehicle …),
// or in NIX_ADAPTER_REGISTRIES, or all catalogued ones.
const registries = process.argv.slice(2).flatMap((arg) => arg.split(',')).filter(Boolean);
void runNix('NIX adapter', ROLE_DEFAULTS.adapter, ['adapters'], registries.length > 0 ? registries : undefined);
