/** The first retry waits this long; each next one twice as long, up to the cap. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 15 * 60 * 1000;

/** How long to wait before the next webhook attempt after `attempts` failures: exponential, capped, with jitter. */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}
