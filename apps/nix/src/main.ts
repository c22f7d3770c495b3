import { ROLE_DEFAULTS, runNix } from '@nix/runtime';

// The embedded default: broker, every adapter and the sample registries in one process.
void runNix('NIX', ROLE_DEFAULTS.nix);
