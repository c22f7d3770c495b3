export * from './circuit-breakers';
export * from './breaker-incidents';
