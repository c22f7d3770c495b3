export * from './configuration-error';
export * from './nix-config';
