import { describe, expect, it } from 'vitest';
import {
  AROUND_THE_CLOCK,
  addBusinessDays,
  addBusinessTime,
  businessDaysToMs,
  businessTimeBetween,
  durationToMs,
  hasWorkingTime,
  isWorkingTime,
  nextWorkingInstant,
} from '../../../src/shared/business-time';
import type { BusinessCalendar } from '../../../src/shared/sla-types';
import { H, LONDON, M, NEW_YORK, S, SHANGHAI, WITH_LUNCH, at, holidays, local, weekdays } from './fixtures';

// March 2026: Mon 2nd … Fri 6th, Sat 7th, Sun 8th, Mon 9th (a holiday below), Tue 10th.
const cal = weekdays(SHANGHAI, undefined, holidays('2026-03-09', '2027-01-01'));
const sh = at(SHANGHAI);
const shl = local(SHANGHAI);
const add = (from: string, ms: number, c: BusinessCalendar = cal): string | null => shl(addBusinessTime(c, sh(from), ms));

describe('working time at the edges of a day (Shanghai, 09:00–18:00)', () => {
  it.each([
    ['2026-03-03T08:59:59', false],
    ['2026-03-03T09:00', true],
    ['2026-03-03T12:00', true],
    ['2026-03-03T17:59:59', true],
    ['2026-03-03T18:00', false],
    ['2026-03-07T10:00', false], // Saturday
    ['2026-03-09T10:00', false], // holiday
  ])('%s working: %s', (t, working) => {
    expect(isWorkingTime(cal, sh(t))).toBe(working);
  });

  it.each([
    ['2026-03-03T08:59', '2026-03-03T09:00:00'],
    ['2026-03-03T09:00', '2026-03-03T09:00:00'],
    ['2026-03-03T17:59:59', '2026-03-03T17:59:59'],
    ['2026-03-03T18:00', '2026-03-04T09:00:00'],
    ['2026-03-06T18:00', '2026-03-10T09:00:00'], // Friday evening before the Monday holiday
    ['2026-03-07T11:00', '2026-03-10T09:00:00'],
  ])('next working instant after %s is %s', (t, next) => {
    expect(shl(nextWorkingInstant(cal, sh(t)))).toBe(next);
  });
});

describe('addBusinessTime', () => {
  it('starts the clock at the next opening when received before it', () => {
    expect(add('2026-03-03T08:59', 1 * H)).toBe('2026-03-03T10:00:00');
    expect(add('2026-03-03T09:00', 1 * H)).toBe('2026-03-03T10:00:00');
  });

  it('ends at the closing time when the time runs out exactly then, not at the next opening', () => {
    expect(add('2026-03-03T09:00', 9 * H)).toBe('2026-03-03T18:00:00');
    expect(add('2026-03-03T17:59:59', 1 * S)).toBe('2026-03-03T18:00:00');
    expect(add('2026-03-03T17:59:59', 2 * S)).toBe('2026-03-04T09:00:01');
  });

  it('received at closing time counts from the next morning', () => {
    expect(add('2026-03-03T18:00', 1 * H)).toBe('2026-03-04T10:00:00');
  });

  it('received on a Saturday counts from Monday 09:00', () => {
    expect(add('2026-03-14T10:00', 4 * H)).toBe('2026-03-16T13:00:00');
  });

  it('P3 first response (8 h) received Friday 17:00 before a Monday holiday: Tuesday 16:00', () => {
    expect(add('2026-03-06T17:00', 8 * H)).toBe('2026-03-10T16:00:00');
  });

  it('crosses the year boundary and New Year holiday', () => {
    // Thu 2026-12-31 17:00: 1 h, Fri 1 Jan holiday, weekend, Mon 4 Jan 09:00–16:00.
    expect(add('2026-12-31T17:00', 8 * H)).toBe('2027-01-04T16:00:00');
  });

  it('skips a lunch break', () => {
    const lunch = weekdays(SHANGHAI, WITH_LUNCH);
    expect(add('2026-03-03T11:30', 1 * H, lunch)).toBe('2026-03-03T13:30:00');
    expect(add('2026-03-03T11:00', 1 * H, lunch)).toBe('2026-03-03T12:00:00');
    expect(add('2026-03-03T12:30', 1 * M, lunch)).toBe('2026-03-03T13:01:00');
    expect(isWorkingTime(lunch, sh('2026-03-03T12:30'))).toBe(false);
    expect(shl(nextWorkingInstant(lunch, sh('2026-03-03T12:00')))).toBe('2026-03-03T13:00:00');
  });

  it('returns the start for zero and rejects non-numbers', () => {
    expect(addBusinessTime(cal, sh('2026-03-07T10:00'), 0)).toBe(sh('2026-03-07T10:00'));
    expect(() => addBusinessTime(cal, Number.NaN, H)).toThrow(RangeError);
  });

  it('handles a long target (a year of working time) by whole days', () => {
    expect(businessTimeBetween(cal, sh('2026-03-02T09:00'), addBusinessTime(cal, sh('2026-03-02T09:00'), 2000 * H))).toBe(2000 * H);
  });

  it('fails loudly instead of looping on a calendar without working time', () => {
    const never: BusinessCalendar = { timeZone: SHANGHAI, week: [[], [], [], [], [], [], []], exceptions: {} };
    expect(hasWorkingTime(never)).toBe(false);
    expect(() => addBusinessTime(never, 0, H)).toThrow(/no working time/);
    expect(() => nextWorkingInstant(never, 0)).toThrow(/no working time/);
  });
});

describe('businessTimeBetween', () => {
  it('counts only working time', () => {
    expect(businessTimeBetween(cal, sh('2026-03-06T17:00'), sh('2026-03-10T10:00'))).toBe(2 * H);
    expect(businessTimeBetween(cal, sh('2026-03-07T00:00'), sh('2026-03-08T23:59'))).toBe(0);
    expect(businessTimeBetween(cal, sh('2026-03-02T00:00'), sh('2026-03-09T00:00'))).toBe(45 * H);
    expect(businessTimeBetween(weekdays(SHANGHAI, WITH_LUNCH), sh('2026-03-03T11:00'), sh('2026-03-03T14:00'))).toBe(2 * H);
  });

  it('is zero when the end is not after the start', () => {
    expect(businessTimeBetween(cal, sh('2026-03-03T12:00'), sh('2026-03-03T10:00'))).toBe(0);
    expect(businessTimeBetween(cal, sh('2026-03-03T12:00'), sh('2026-03-03T12:00'))).toBe(0);
  });
});

describe('DST: working hours follow the local clock', () => {
  const ny = weekdays(NEW_YORK);
  const nyAt = at(NEW_YORK);
  const nyl = local(NEW_YORK);

  it('New York spring-forward weekend: Fri 17:00 EST + 2 h is Mon 10:00 EDT', () => {
    const due = addBusinessTime(ny, nyAt('2026-03-06T17:00'), 2 * H);
    expect(nyl(due)).toBe('2026-03-09T10:00:00');
    expect(new Date(due).toISOString()).toBe('2026-03-09T14:00:00.000Z');
    expect(businessTimeBetween(ny, nyAt('2026-03-06T09:00'), nyAt('2026-03-09T18:00'))).toBe(18 * H);
  });

  it('New York fall-back weekend: Fri 17:00 EDT + 2 h is Mon 10:00 EST', () => {
    const due = addBusinessTime(ny, nyAt('2026-10-30T17:00'), 2 * H);
    expect(nyl(due)).toBe('2026-11-02T10:00:00');
    expect(new Date(due).toISOString()).toBe('2026-11-02T15:00:00.000Z');
  });

  it('New York: 3 business days across the spring change keep the wall-clock time', () => {
    expect(nyl(addBusinessDays(ny, nyAt('2026-03-05T14:00'), 3))).toBe('2026-03-10T14:00:00');
    expect(businessDaysToMs(ny, nyAt('2026-03-05T14:00'), 3)).toBe(27 * H);
  });

  it('London spring-forward and fall-back weekends', () => {
    const lon = weekdays(LONDON);
    const l = at(LONDON);
    expect(new Date(addBusinessTime(lon, l('2026-03-27T17:00'), 2 * H)).toISOString()).toBe('2026-03-30T09:00:00.000Z');
    expect(new Date(addBusinessTime(lon, l('2026-10-23T17:00'), 2 * H)).toISOString()).toBe('2026-10-26T10:00:00.000Z');
    expect(businessTimeBetween(lon, l('2026-03-23T00:00'), l('2026-04-06T00:00'))).toBe(90 * H);
  });

  it('a night shift spanning the change works the real hours: 2 h on spring night, 4 h on fall night', () => {
    const night: BusinessCalendar = { timeZone: NEW_YORK, week: [[[60, 240]], [], [], [], [], [], []], exceptions: {} };
    expect(businessTimeBetween(night, nyAt('2026-03-08T00:00'), nyAt('2026-03-09T00:00'))).toBe(2 * H);
    expect(businessTimeBetween(night, nyAt('2026-11-01T00:00'), nyAt('2026-11-02T00:00'))).toBe(4 * H);
    expect(businessTimeBetween(night, nyAt('2026-03-15T00:00'), nyAt('2026-03-16T00:00'))).toBe(3 * H);
  });

  it('a 24-hour calendar written as two intervals a day (no shortcut) counts the 23- and 25-hour days', () => {
    const allDay: BusinessCalendar = {
      timeZone: NEW_YORK,
      week: Array.from({ length: 7 }, () => [
        [0, 720],
        [720, 1440],
      ]),
      exceptions: {},
    };
    expect(businessTimeBetween(allDay, nyAt('2026-03-07T00:00'), nyAt('2026-03-09T00:00'))).toBe(47 * H);
    expect(businessTimeBetween(allDay, nyAt('2026-10-31T00:00'), nyAt('2026-11-02T00:00'))).toBe(49 * H);
    const t = nyAt('2026-03-07T20:00');
    expect(addBusinessTime(allDay, t, 10 * H)).toBe(t + 10 * H);
  });

  it('a day that starts at 01:00 (Santiago, midnight spring-forward) is 23 hours long', () => {
    const stgo: BusinessCalendar = { timeZone: 'America/Santiago', week: Array.from({ length: 7 }, () => [[0, 1440]]), exceptions: { '2026-09-07': { hours: [] } } };
    const s = at('America/Santiago');
    expect(businessTimeBetween(stgo, s('2026-09-05T12:00'), s('2026-09-07T12:00'))).toBe(12 * H + 23 * H);
  });

  it('Shanghai has no DST: every working day is 9 hours all year', () => {
    expect(businessTimeBetween(cal, sh('2026-10-26T00:00'), sh('2026-10-31T00:00'))).toBe(45 * H);
    expect(businessTimeBetween(cal, sh('2026-03-23T00:00'), sh('2026-03-28T00:00'))).toBe(45 * H);
  });
});

describe('business days: the same time on the n-th following working day', () => {
  const days = (from: string, n: number, c: BusinessCalendar = cal): string | null => shl(addBusinessDays(c, sh(from), n));

  it('3 business days from Tuesday 14:00 is Friday 14:00 (27 working hours)', () => {
    expect(days('2026-03-03T14:00', 3)).toBe('2026-03-06T14:00:00');
    expect(businessDaysToMs(cal, sh('2026-03-03T14:00'), 3)).toBe(27 * H);
  });

  it('skips weekends and holidays: Friday 17:00 before a Monday holiday + 3 is Thursday 17:00', () => {
    expect(days('2026-03-06T17:00', 3)).toBe('2026-03-12T17:00:00');
    expect(days('2026-03-06T17:00', 1)).toBe('2026-03-10T17:00:00');
  });

  it('counts from the next opening outside working hours: Saturday + 1 is due Monday 18:00', () => {
    expect(days('2026-03-14T10:00', 1)).toBe('2026-03-16T18:00:00');
    expect(days('2026-03-03T18:00', 1)).toBe('2026-03-04T18:00:00');
    expect(days('2026-03-03T07:00', 2)).toBe('2026-03-04T18:00:00');
  });

  it('ends at the closing time of a shorter landing day (half day on Christmas Eve)', () => {
    const xmas = weekdays(SHANGHAI, undefined, { '2026-12-24': { name: 'Christmas Eve', hours: [[540, 780]] }, '2026-12-25': { hours: [] } });
    expect(days('2026-12-23T15:00', 1, xmas)).toBe('2026-12-24T13:00:00');
    expect(days('2026-12-23T10:00', 1, xmas)).toBe('2026-12-24T10:00:00');
    expect(days('2026-12-23T15:00', 2, xmas)).toBe('2026-12-28T15:00:00');
  });

  it('a make-up working Saturday counts as a working day', () => {
    const makeUp = weekdays(SHANGHAI, undefined, { '2026-03-07': { name: 'Make-up day', hours: [[540, 1080]] } });
    expect(days('2026-03-06T10:00', 1, makeUp)).toBe('2026-03-07T10:00:00');
    expect(isWorkingTime(makeUp, sh('2026-03-07T10:00'))).toBe(true);
  });

  it('keeps the time of day across a lunch break', () => {
    const lunch = weekdays(SHANGHAI, WITH_LUNCH);
    expect(days('2026-03-03T14:00', 1, lunch)).toBe('2026-03-04T14:00:00');
    expect(businessDaysToMs(lunch, sh('2026-03-03T14:00'), 1)).toBe(8 * H);
  });

  it('zero business days is no time', () => {
    expect(businessDaysToMs(cal, sh('2026-03-03T14:00'), 0)).toBe(0);
  });

  it('durationToMs: ms as written; business days on the calendar, or 24 h days around the clock', () => {
    const start = sh('2026-03-03T14:00');
    expect(durationToMs({ ms: 5 * S }, cal, true, start)).toBe(5 * S);
    expect(durationToMs({ businessDays: 3 }, cal, true, start)).toBe(27 * H);
    expect(durationToMs({ businessDays: 2 }, cal, false, start)).toBe(48 * H);
  });
});

describe('around the clock', () => {
  it('is plain arithmetic', () => {
    const t = Date.UTC(2026, 2, 8, 6, 30);
    expect(addBusinessTime(AROUND_THE_CLOCK, t, 4 * H)).toBe(t + 4 * H);
    expect(businessTimeBetween(AROUND_THE_CLOCK, t, t + 49 * H)).toBe(49 * H);
    expect(isWorkingTime(AROUND_THE_CLOCK, t)).toBe(true);
    expect(nextWorkingInstant(AROUND_THE_CLOCK, t)).toBe(t);
  });
});
