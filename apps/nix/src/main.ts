import { runNix } from './run-nix';
import { ROLE_DEFAULTS } from './role-defaults';

// The embedded default: broker, every adapter and the sample registries in one process.
void runNix('NIX', ROLE_DEFAULTS.nix);
