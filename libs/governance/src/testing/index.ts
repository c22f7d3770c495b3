/** What a call throws, for specs that inspect the typed error (its current state, its field); fails if nothing is thrown. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
