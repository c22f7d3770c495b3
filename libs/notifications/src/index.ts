export * from './delivery-backoff';
export * from './notification-center';
export * from './notification-sealer';
export * from './notification-store';
export * from './pseudonyms';
export * from './webhook-signature';
export * from './webhook-url';
