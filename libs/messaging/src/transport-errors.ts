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

/** No adapter serves the address now: the inquiry was not sent, since nobody would read it. */
export class NoAdapterError extends TransportUnavailableError {
  constructor(readonly address: string) {
    super(`no adapter serves ${address} now`);
    this.name = 'NoAdapterError';
  }
}
