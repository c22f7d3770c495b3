import { ROLE_DEFAULTS, runNix } from '@nix/runtime';

// The traffic recorder alone: nix.traffic.v1 into the ledger's PostgreSQL.
void runNix('NIX recorder', ROLE_DEFAULTS.recorder, ['recorder']);
