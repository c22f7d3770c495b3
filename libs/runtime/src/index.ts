// Assembles and runs a NIX process from its roles; the apps are thin hosts over this.
export * from './nix-app';
export * from './nix.module';
export * from './run-nix';
export * from './role-defaults';
export * from './startup';
