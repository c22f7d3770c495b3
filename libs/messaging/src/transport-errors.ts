/** The transport cannot carry the inquiry now: no adapter listens, or the broker link is down. */
export class TransportUnavailableError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'TransportUnavailableError';
  }
}

/** No reply came before the inquiry's deadline. */
export class DeadlineExceededError extends Error {
  constructor(readonly waitedMs: number) {
    super(`no reply within ${Math.round(waitedMs)} ms`);
    this.name = 'DeadlineExceededError';
  }
}
