export * from './json-schema';
export * from './service-catalog';
export * from './catalogue-error';
export * from './service-version';
export * from './version-selection';
export * from './version-lifecycle';
export * from './catalogue-state';
export * from './catalogue-repository';
