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
  /**
   * NIX_ADMISSION_TARGET_MS: with a standing queue, an inquiry that has waited longer than this (the last turn, which
   * it spent in its socket, and its place in this one) is shed; 0 never.
   */
  targetDelayMs: number;
}

/** Why an inquiry is shed, or that it is admitted. */
export type AdmissionDecision = 'admitted' | 'in-flight-limit' | 'queue-delay';

/** A queue stands when every turn for this long would have been long without shedding (CoDel's interval). */
export const STANDING_QUEUE_MS = 100;
/** A turn is long past this share of the target: its requests, and the next turn's, wait about that long. */
export const LONG_TURN_SHARE = 0.5;

/**
 * Admission of inquiries (issue 15): shed rather than queue past saturation.
 *
 * Two limits. Inquiries that wait on slow registries pile up in flight: past maxInFlight a new one is shed. Inquiries
 * that saturate the CPU never pile up in flight (each is answered in the turn that reads it); they queue before NIX
 * sees them, in the sockets the event loop has not read yet, and libuv accepts one new connection per turn. A
 * request waits about one turn in its socket, then its place in the turn. So the other limit is on the length of
 * the turn, as CoDel bounds the time in a queue rather than its length: once turns have been long for
 * STANDING_QUEUE_MS (a standing queue, not a burst or a pause), an inquiry whose wait (the last turn, spent in its
 * socket, and its place in this turn) passes targetDelayMs is shed, which answers it fast and keeps the turn, and the
 * next turn's wait, short. Shedding
 * stops as soon as a turn would have been short without it (its inquiries times the cost of the admitted ones): at
 * the saturating concurrency turns stay short, and nothing is shed.
 */
export class InquiryAdmission {
  private turn: { startedAt: number; read: number; admitted: number; firstShedAfter: number | null } | null = null;
  /** How long the last turn ran, from its first inquiry to its end: about how long this turn's inquiries waited in their sockets. */
  private lastTurnMs = 0;
  /** When the turns started being long, without a short one since. */
  private longTurnsSince: number | null = null;
  private readonly endTurn = () => {
    const turn = this.turn!;
    this.turn = null;
    this.lastTurnMs = this.clock.now() - turn.startedAt;
    const length = turn.firstShedAfter === null ? this.clock.now() - turn.startedAt : (turn.read * turn.firstShedAfter) / turn.admitted;
    if (length > LONG_TURN_SHARE * this.settings.targetDelayMs) this.longTurnsSince ??= turn.startedAt;
    else this.longTurnsSince = null;
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
    const turn = this.turn;
    if (turn === null) {
      this.turn = { startedAt: now, read: 1, admitted: 1, firstShedAfter: null };
      this.turns.afterThisTurn(this.endTurn);
      return 'admitted';
    }
    turn.read++;
    const waited = now - turn.startedAt;
    const standing = this.longTurnsSince !== null && now - this.longTurnsSince >= STANDING_QUEUE_MS;
    if (standing && this.lastTurnMs + waited > this.settings.targetDelayMs) {
      turn.firstShedAfter ??= waited;
      return 'queue-delay';
    }
    turn.admitted++;
    return 'admitted';
  }
}

/** The event loop's turns, as Node runs them. */
export const nodeTurns: TurnBoundary = {
  afterThisTurn: (callback) => void setImmediate(callback),
};
