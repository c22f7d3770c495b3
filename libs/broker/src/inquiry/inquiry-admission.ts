/** A clock for durations: monotonic, sub-millisecond (performance.now fits). */
export interface MonotonicClock {
  now(): number;
}

/**
 * The end of the event-loop turn that is running: setImmediate runs its callback right after the poll phase that
 * read the requests of this turn, before the next one reads more.
 */
export interface TurnBoundary {
  afterThisTurn(callback: () => void): void;
}

export interface AdmissionSettings {
  /** NIX_MAX_IN_FLIGHT: past this many inquiries in flight (waiting on registries), a new one is shed. */
  maxInFlight: number;
  /** NIX_ADMISSION_TARGET_MS: an inquiry read this long after the first one of its event-loop turn is shed; 0 never. */
  targetDelayMs: number;
}

/** Why an inquiry is shed, or that it is admitted. */
export type AdmissionDecision = 'admitted' | 'in-flight-limit' | 'queue-delay';

/**
 * Admission of inquiries (issue 15): shed rather than queue past saturation.
 *
 * Two limits. Inquiries that wait on slow registries pile up in flight: past maxInFlight a new one is shed. Inquiries
 * that saturate the CPU never pile up in flight (each is answered in the turn that reads it); they queue before NIX
 * sees them, in the sockets the event loop has not read yet, and libuv accepts one new connection per turn. So the
 * other limit is on the length of the turn: the requests of a turn are read one after the other, and one read later
 * than targetDelayMs after the first has waited at least that long (more, since it arrived during the previous turn).
 * Shedding it answers it fast, keeps the turn short, and with it the wait of the next turn's requests and of the
 * connections waiting to be accepted (CoDel's idea: bound the time in the queue, not its length).
 */
export class InquiryAdmission {
  private turnStartedAt: number | null = null;
  private readonly endTurn = () => {
    this.turnStartedAt = null;
  };

  constructor(
    private readonly settings: AdmissionSettings,
    private readonly clock: MonotonicClock,
    private readonly turns: TurnBoundary,
  ) {}

  /** Decides on an inquiry that has just arrived, with `inFlight` inquiries in flight (itself included). */
  decide(inFlight: number): AdmissionDecision {
    if (inFlight > this.settings.maxInFlight) return 'in-flight-limit';
    if (this.settings.targetDelayMs <= 0) return 'admitted';
    const now = this.clock.now();
    if (this.turnStartedAt === null) {
      this.turnStartedAt = now;
      this.turns.afterThisTurn(this.endTurn);
      return 'admitted';
    }
    return now - this.turnStartedAt > this.settings.targetDelayMs ? 'queue-delay' : 'admitted';
  }
}

/** The event loop's turns, as Node runs them. */
export const nodeTurns: TurnBoundary = {
  afterThisTurn: (callback) => void setImmediate(callback),
};
