export * from './contract-files';
export * from './contract-schemas';
export * from './contract-set';
