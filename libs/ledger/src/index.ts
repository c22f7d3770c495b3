export * from './traffic-sink';
export * from './memory-traffic-ledger';
