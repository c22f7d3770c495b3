import { runNix } from './run-nix';

// The embedded default: broker, every adapter and the sample registries in one process.
void runNix('NIX');
