import { DateTime } from 'luxon';
import { toJalaali } from 'jalaali-js';

/** Agreements, quotas and reports count days as Iran counts them. */
export const NATIONAL_TIME_ZONE = 'Asia/Tehran';

export interface CalendarDay {
  /** The Gregorian date in Tehran, YYYY-MM-DD. */
  date: string;
  startsAt: number;
  endsAt: number;
}

export function dayOf(epochMs: number, zone = NATIONAL_TIME_ZONE): CalendarDay {
  const start = DateTime.fromMillis(epochMs, { zone }).startOf('day');
  return { date: start.toISODate()!, startsAt: start.toMillis(), endsAt: start.plus({ days: 1 }).toMillis() };
}

/**
 * The current day, recomputed only when a day boundary passes: the inquiry
 * path asks for it on every call.
 */
export class DayTracker {
  private current: CalendarDay = { date: '', startsAt: 0, endsAt: 0 };

  constructor(private readonly zone = NATIONAL_TIME_ZONE) {}

  at(epochMs: number): CalendarDay {
    if (epochMs >= this.current.endsAt || epochMs < this.current.startsAt) this.current = dayOf(epochMs, this.zone);
    return this.current;
  }
}

/** A Gregorian YYYY-MM-DD as the Solar Hijri YYYY-MM-DD that registries print. */
export function toJalaliDate(isoDate: string): string {
  const [gy, gm, gd] = isoDate.split('-').map(Number);
  const { jy, jm, jd } = toJalaali(gy, gm, gd);
  return `${jy}-${String(jm).padStart(2, '0')}-${String(jd).padStart(2, '0')}`;
}
