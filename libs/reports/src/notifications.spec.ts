import { notificationRows } from './notifications';

const wg = { agency: 'wg', all: true, ownUsage: false, ownServices: false };

describe('notificationRows', () => {
  it('joins events, deliveries and lapses per agency, with the same-day share', () => {
    const rows = notificationRows(
      [
        { agency: 'civil-registration', events: 5, deliveries: 0, sameDay: 0, failedAttempts: 0 },
        { agency: 'pension-fund', events: 0, deliveries: 4, sameDay: 3, failedAttempts: 2 },
      ],
      [{ agency: 'tax-organization', expired: 2 }],
      wg,
    );
    expect(rows).toEqual([
      { agency: 'civil-registration', events: 5, deliveries: 0, sameDay: 0, failedAttempts: 0, sameDayShare: null, lapsed: 0 },
      { agency: 'pension-fund', events: 0, deliveries: 4, sameDay: 3, failedAttempts: 2, sameDayShare: 0.75, lapsed: 0 },
      { agency: 'tax-organization', events: 0, deliveries: 0, sameDay: 0, failedAttempts: 0, sameDayShare: null, lapsed: 2 },
    ]);
  });

  it('shows an agency that is not the working group its own row only', () => {
    const rows = notificationRows(
      [
        { agency: 'a', events: 0, deliveries: 1, sameDay: 1, failedAttempts: 0 },
        { agency: 'b', events: 0, deliveries: 1, sameDay: 0, failedAttempts: 0 },
      ],
      [],
      { agency: 'b', all: false, ownUsage: true, ownServices: false },
    );
    expect(rows.map((r) => r.agency)).toEqual(['b']);
  });
});
