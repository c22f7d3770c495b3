export * from './circuit-breakers';
