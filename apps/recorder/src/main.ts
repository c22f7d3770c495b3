import { ROLE_DEFAULTS } from '@nix/apps/nix/src/role-defaults';
import { runNix } from '@nix/apps/nix/src/run-nix';

// The traffic recorder alone: nix.traffic.v1 into the ledger's PostgreSQL.
void runNix('NIX recorder', ROLE_DEFAULTS.recorder, ['recorder']);
