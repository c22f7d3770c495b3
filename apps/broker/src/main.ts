import { ROLE_DEFAULTS, runNix } from '@nix/runtime';

// The HTTP broker alone; adapters and the recorder run as their own processes over Kafka.
void runNix('NIX broker', ROLE_DEFAULTS.broker, ['broker']);
