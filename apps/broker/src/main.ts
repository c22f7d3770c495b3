import { ROLE_DEFAULTS } from '@nix/apps/nix/src/role-defaults';
import { runNix } from '@nix/apps/nix/src/run-nix';

// The HTTP broker alone; adapters and the recorder run as their own processes over Kafka.
void runNix('NIX broker', ROLE_DEFAULTS.broker, ['broker']);
