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

describe('InquiryAdmission', () => {
  it('admits the inquiries read within the target of the first one of their turn, and sheds those read later', () => {
    const { clock, turns, admission } = admissionWith({ targetDelayMs: 20 });
    expect(admission.decide(1)).toBe('admitted');
    clock.advance(12);
    expect(admission.decide(1)).toBe('admitted');
    clock.advance(8);
    expect(admission.decide(1)).toBe('admitted'); // exactly at the target
    clock.advance(0.5);
    expect(admission.decide(1)).toBe('queue-delay');
    clock.advance(40);
    expect(admission.decide(1)).toBe('queue-delay');
    expect(turns.waiting).toBe(1);
  });

  it('starts counting again in the next turn, from its first inquiry and not from the idle time before it', () => {
    const { clock, turns, admission } = admissionWith({ targetDelayMs: 20 });
    admission.decide(1);
    clock.advance(25);
    expect(admission.decide(1)).toBe('queue-delay');
    turns.end();
    clock.advance(1_000); // the loop sat idle, waiting for requests
    expect(admission.decide(1)).toBe('admitted');
    clock.advance(19);
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
