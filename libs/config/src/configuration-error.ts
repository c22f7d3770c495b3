/**
 * A configuration, schema or contract that cannot be used. The process stops
 * on it at start, with this message, which names the file and the place in it.
 */
export class ConfigurationError extends Error {
  constructor(
    readonly source: string,
    readonly location: string,
    reason: string,
  ) {
    super(`${source}${location ? ` at ${location}` : ''}: ${reason}`);
    this.name = 'ConfigurationError';
  }
}
