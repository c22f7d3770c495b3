// Testing exports of the ledger (@nix/ledger/testing): for specs and tests only, never in the production index.
// The R3 content audit: finds an identifier an inquiry carried anywhere the broker keeps things.
export * from './content-audit';
export * from './memory-traffic-ledger';
