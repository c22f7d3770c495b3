import type { RoleDefaults } from '@nix/config';

/**
 * Each process kind's default ports. They differ, so that the split layout
 * (broker, adapters, recorder: the README's commands) runs on one machine
 * without setting PORT; the all-in-one process takes the broker's. Each also
 * names the keys it uses, so that production asks a process only for those:
 * adapters open payloads but sign nothing, the recorder needs no key at all.
 */
export const ROLE_DEFAULTS = {
  nix: { port: 3000, metricsPort: 9464 },
  broker: { port: 3000, metricsPort: 9464 },
  adapter: { port: 3001, metricsPort: 9465, keys: { tracking: false, payload: true, receipts: false, ledgerSigning: false } },
  recorder: { port: 3002, metricsPort: 9466, keys: { tracking: false, payload: false, receipts: false, ledgerSigning: false } },
} as const satisfies Record<string, RoleDefaults>;
