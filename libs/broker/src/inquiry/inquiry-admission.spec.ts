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

/** A turn that reads `read` inquiries `gapMs` apart; its decisions. */
function turnOf(clock: FakeClock, turns: FakeTurns, admission: InquiryAdmission, read: number, gapMs: number): string[] {
  const decisions: string[] = [];
  for (let i = 0; i < read; i++) {
    if (i > 0) clock.advance(gapMs);
    decisions.push(admission.decide(1));
  }
  clock.advance(gapMs);
  turns.end();
  return decisions;
}

const shedIn = (decisions: string[]) => decisions.filter((d) => d === 'queue-delay').length;

describe('InquiryAdmission', () => {
  it('sheds nothing while turns stay short, however many inquiries each reads (the saturating concurrency)', () => {
    const { clock, turns, admission } = admissionWith({ targetDelayMs: 10 });
    // 50 inquiries of 0.5 ms: 25 ms turns, under three times the target, for two seconds.
    for (let i = 0; i < 80; i++) expect(shedIn(turnOf(clock, turns, admission, 50, 0.5))).toBe(0);
  });

  it('sheds nothing in a single long turn, a pause or a burst: only once turns have been long for 100 ms', () => {
    const { clock, turns, admission } = admissionWith({ targetDelayMs: 10 });
    expect(shedIn(turnOf(clock, turns, admission, 200, 0.35))).toBe(0); // 70 ms
    expect(shedIn(turnOf(clock, turns, admission, 50, 0.35))).toBe(0); // 17.5 ms: short, the queue did not stand
    expect(shedIn(turnOf(clock, turns, admission, 200, 0.35))).toBe(0); // long again, since 0 ms
    // The next long turn passes 100 ms of long turns at its 30th ms: from then on, its inquiries read after 10 ms are shed.
    const decisions = turnOf(clock, turns, admission, 200, 0.35);
    expect(decisions.slice(0, 86).every((d) => d === 'admitted')).toBe(true);
    expect(decisions.slice(87).every((d) => d === 'queue-delay')).toBe(true);
  });

  it('keeps shedding past the target while turns would be long without it, and stops once they would not', () => {
    const { clock, turns, admission } = admissionWith({ targetDelayMs: 10 });
    turnOf(clock, turns, admission, 200, 0.35);
    turnOf(clock, turns, admission, 200, 0.35);
    // A standing queue: each turn admits what it reads within 10 ms (29 inquiries at 0.35 ms), sheds the rest.
    for (let i = 0; i < 10; i++) {
      const decisions = turnOf(clock, turns, admission, 200, 0.35);
      expect(decisions.slice(0, 29).every((d) => d === 'admitted')).toBe(true);
      expect(shedIn(decisions)).toBe(171);
    }
    // The load falls to 50 connections: 50 × 0.35 ms would be 17.5 ms. That turn still sheds (the queue stood when
    // it began); the next one sheds nothing.
    expect(shedIn(turnOf(clock, turns, admission, 50, 0.35))).toBe(21);
    expect(shedIn(turnOf(clock, turns, admission, 50, 0.35))).toBe(0);
  });

  it('counts a turn from its first inquiry, not from the idle time before it', () => {
    const { clock, turns, admission } = admissionWith({ targetDelayMs: 10 });
    for (let i = 0; i < 3; i++) turnOf(clock, turns, admission, 200, 0.35);
    expect(shedIn(turnOf(clock, turns, admission, 200, 0.35))).toBe(171);
    clock.advance(1_000); // the loop sat idle, waiting for requests: that turn is not ended by the idle time
    expect(turns.waiting).toBe(0);
    expect(admission.decide(1)).toBe('admitted');
    clock.advance(9);
    expect(admission.decide(1)).toBe('admitted');
    clock.advance(2);
    expect(admission.decide(1)).toBe('queue-delay');
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
