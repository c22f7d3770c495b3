import { InquiryAdmission, type MonotonicClock, type TurnBoundary } from './inquiry-admission';

class FakeClock implements MonotonicClock {
  at = 5_000.25;
  now(): number {
    return this.at;
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

/** Event-loop turns by hand: end() runs what was to run after the turn. */
class FakeTurns implements TurnBoundary {
  private pending: Array<() => void> = [];
  afterThisTurn(callback: () => void): void {
    this.pending.push(callback);
  }
  end(): void {
    const callbacks = this.pending;
    this.pending = [];
    for (const callback of callbacks) callback();
  }
  get waiting(): number {
    return this.pending.length;
  }
}

function admissionWith(settings: { maxInFlight?: number; targetDelayMs?: number } = {}) {
  const clock = new FakeClock();
  const turns = new FakeTurns();
  const admission = new InquiryAdmission({ maxInFlight: settings.maxInFlight ?? 128, targetDelayMs: settings.targetDelayMs ?? 20 }, clock, turns);
  return { clock, turns, admission };
}

/**
 * A turn that reads `read` inquiries, each taking `costMs` when admitted and `shedCostMs` when shed (a fast answer);
 * its decisions, with each admitted inquiry's wait: the last turn (spent in its socket) and its place in this one.
 */
function turnOf(
  clock: FakeClock,
  turns: FakeTurns,
  admission: InquiryAdmission,
  read: number,
  costMs: number,
  shedCostMs = costMs,
): { decisions: string[]; admittedWaits: number[]; lengthMs: number } {
  const startedAt = clock.at;
  const decisions: string[] = [];
  const admittedWaits: number[] = [];
  for (let i = 0; i < read; i++) {
    const decision = admission.decide(1);
    decisions.push(decision);
    if (decision === 'admitted') admittedWaits.push(lastTurnMs + clock.at - startedAt);
    clock.advance(decision === 'admitted' ? costMs : shedCostMs);
  }
  turns.end();
  lastTurnMs = clock.at - startedAt;
  return { decisions, admittedWaits, lengthMs: lastTurnMs };
}
let lastTurnMs = 0;

const shedIn = ({ decisions }: { decisions: string[] }) => decisions.filter((d) => d === 'queue-delay').length;

describe('InquiryAdmission', () => {
  beforeEach(() => (lastTurnMs = 0));

  it('sheds nothing while turns stay short, however many inquiries each reads (the saturating concurrency)', () => {
    const { clock, turns, admission } = admissionWith({ targetDelayMs: 60 });
    // 50 inquiries of 0.5 ms: 25 ms turns, under half the target, for two seconds.
    for (let i = 0; i < 80; i++) expect(shedIn(turnOf(clock, turns, admission, 50, 0.5))).toBe(0);
  });

  it('sheds nothing in a single long turn, a pause or a burst: only once turns have been long for 100 ms', () => {
    const { clock, turns, admission } = admissionWith({ targetDelayMs: 60 });
    expect(shedIn(turnOf(clock, turns, admission, 200, 0.35))).toBe(0); // 70 ms
    expect(shedIn(turnOf(clock, turns, admission, 50, 0.35))).toBe(0); // 17.5 ms: short, the queue did not stand
    expect(shedIn(turnOf(clock, turns, admission, 200, 0.35))).toBe(0); // long again, since 0 ms
    // The next long turn passes 100 ms of long turns at its 30th ms; its inquiries have waited the last turn's 70 ms
    // and more, past the target: from then on they are shed.
    const { decisions } = turnOf(clock, turns, admission, 200, 0.35);
    expect(decisions.slice(0, 86).every((d) => d === 'admitted')).toBe(true);
    expect(decisions.slice(87).every((d) => d === 'queue-delay')).toBe(true);
  });

  it('keeps the wait of admitted inquiries within the target while the queue stands, and stops shedding once turns would be short without it', () => {
    const { clock, turns, admission } = admissionWith({ targetDelayMs: 60 });
    turnOf(clock, turns, admission, 200, 0.35, 0.05);
    turnOf(clock, turns, admission, 200, 0.35, 0.05);
    // A standing queue of 200: each turn admits what fits in the target with the last turn's wait, sheds the rest fast.
    for (let i = 0; i < 20; i++) {
      const turn = turnOf(clock, turns, admission, 200, 0.35, 0.05);
      expect(shedIn(turn)).toBeGreaterThan(100);
      expect(turn.admittedWaits.length).toBeGreaterThan(20);
      // The first of a turn is always admitted; every other admitted one waited at most the target.
      expect(Math.max(...turn.admittedWaits.slice(1))).toBeLessThanOrEqual(60);
      expect(turn.lengthMs).toBeLessThan(60);
    }
    // The load falls to 50 connections (17.5 ms of work a turn): nothing is shed from the next turn on.
    turnOf(clock, turns, admission, 50, 0.35, 0.05);
    for (let i = 0; i < 10; i++) expect(shedIn(turnOf(clock, turns, admission, 50, 0.35, 0.05))).toBe(0);
  });

  it('counts a turn from its first inquiry, not from the idle time before it', () => {
    const { clock, turns, admission } = admissionWith({ targetDelayMs: 60 });
    for (let i = 0; i < 3; i++) turnOf(clock, turns, admission, 200, 0.35, 0.05);
    expect(shedIn(turnOf(clock, turns, admission, 200, 0.35, 0.05))).toBeGreaterThan(100);
    clock.advance(1_000); // the loop sat idle, waiting for requests: no turn ran, none is waiting to end
    expect(turns.waiting).toBe(0);
    expect(admission.decide(1)).toBe('admitted');
  });

  it('sheds past the in-flight limit whatever the turn, counting the arriving inquiry', () => {
    const { admission } = admissionWith({ maxInFlight: 3, targetDelayMs: 20 });
    expect(admission.decide(3)).toBe('admitted');
    expect(admission.decide(4)).toBe('in-flight-limit');
    expect(admission.decide(2)).toBe('admitted');
  });

  it('never sheds by delay with a target of 0, and then does not watch the turns', () => {
    const { clock, turns, admission } = admissionWith({ targetDelayMs: 0 });
    expect(admission.decide(1)).toBe('admitted');
    clock.advance(10_000);
    expect(admission.decide(1)).toBe('admitted');
    expect(turns.waiting).toBe(0);
    expect(admission.decide(200)).toBe('in-flight-limit');
  });
});
