export * from './json-schema';
export * from './service-catalog';
