export * from './in-process/in-process.transport';
export * from './inquiry-dispatcher';
export * from './transport-errors';
