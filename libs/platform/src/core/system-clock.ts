import type { Clock } from '@nix/domain';

/** Wall-clock time with sub-millisecond precision from the monotonic timer. */
export class SystemClock implements Clock {
  now(): number {
    return performance.timeOrigin + performance.now();
  }
}
