/** Injection tokens for the ports and shared values of a NIX process. */
export const NIX_CONFIG = Symbol('NIX_CONFIG');
export const CLOCK = Symbol('CLOCK');
export const EXCHANGE_IDS = Symbol('EXCHANGE_IDS');
export const LOGGER = Symbol('LOGGER');
export const METRICS = Symbol('METRICS');
export const SERVICE_CATALOG = Symbol('SERVICE_CATALOG');
