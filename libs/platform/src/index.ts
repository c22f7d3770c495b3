// What every NIX role shares: the core ports and tokens, the HTTP edge and its problem answers,
// health and readiness, the metrics listener, the ledger and the broker's transport client.
export * from './core/tokens';
export * from './core/core.module';
export * from './core/system-clock';
export * from './core/uuid-exchange-ids';
export * from './http/http-edge';
export * from './http/problem-response';
export * from './http/problem.filter';
export * from './health/readiness-checks';
export * from './health/health.module';
export * from './metrics/metrics-listener';
export * from './metrics/metrics.module';
export * from './ledger/ledger.module';
export * from './ledger/ledger-retention';
export * from './messaging/messaging.module';
export * from './catalogue/follow-catalogue';
export * from './http/client-certificate';
