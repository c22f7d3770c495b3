/** Polls until done(value) holds or the time is up; answers the last value seen. */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined as T);
    if ((value !== undefined && done(value)) || Date.now() > until) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Polls a count until it has not changed for a second and a half. */
export async function settled(probe: () => Promise<number>): Promise<number> {
  let last = await probe();
  for (let stable = 0; stable < 6; ) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const next = await probe();
    stable = next === last ? stable + 1 : 0;
    last = next;
  }
  return last;
}
