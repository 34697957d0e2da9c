import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALWAYS_OPEN, addBusinessTime, businessTimeBetween, isWorkingTime, zonedToUtc, type BusinessCalendar } from '../../src/shared/business-calendar';
import { slaSchedule, type SlaTargets } from '../../src/shared/sla';

const H = 3_600_000;
const weekdays = (zone: string, holidays: string[] = [], hours: Array<[number, number]> = [[540, 1080]]): BusinessCalendar => ({
  timeZone: zone,
  week: [[], hours, hours, hours, hours, hours, []],
  holidays,
});
const sh = weekdays('Asia/Shanghai');
const ny = weekdays('America/New_York');
const t = (iso: string) => Date.parse(iso);

describe('zonedToUtc', () => {
  it('converts wall-clock time, with DST gaps landing after the gap and overlaps taking the first instant', () => {
    expect(new Date(zonedToUtc(2026, 6, 1, 9 * 60, 'Asia/Shanghai')).toISOString()).toBe('2026-06-01T01:00:00.000Z');
    expect(new Date(zonedToUtc(2026, 3, 8, 150, 'America/New_York')).toISOString()).toBe('2026-03-08T07:30:00.000Z'); // 02:30 does not exist
    expect(new Date(zonedToUtc(2026, 11, 1, 90, 'America/New_York')).toISOString()).toBe('2026-11-01T05:30:00.000Z'); // 01:30 happens twice
    expect(new Date(zonedToUtc(2026, 10, 25, 60, 'Europe/London')).toISOString()).toBe('2026-10-25T00:00:00.000Z');
  });
});

describe('addBusinessTime', () => {
  it('Friday 17:00 before a Monday holiday, 8 working hours: Tuesday 16:00', () => {
    const cal = weekdays('Asia/Shanghai', ['2026-11-30']);
    expect(new Date(addBusinessTime(cal, t('2026-11-27T09:00:00Z'), 8 * H)).toISOString()).toBe('2026-12-01T08:00:00.000Z');
  });

  it('a start outside working hours waits for the opening', () => {
    expect(new Date(addBusinessTime(sh, t('2026-11-28T02:00:00Z'), H)).toISOString()).toBe('2026-11-30T02:00:00.000Z'); // Saturday → Monday 10:00
    expect(new Date(addBusinessTime(sh, t('2026-11-30T00:59:00Z'), H)).toISOString()).toBe('2026-11-30T02:00:00.000Z'); // 08:59 → 10:00
    expect(new Date(addBusinessTime(sh, t('2026-11-30T10:00:00Z'), H)).toISOString()).toBe('2026-12-01T02:00:00.000Z'); // 18:00 → next day
  });

  it('skips a lunch break', () => {
    const lunch = weekdays('Asia/Shanghai', [], [[540, 720], [780, 1080]]);
    expect(new Date(addBusinessTime(lunch, t('2026-11-30T03:00:00Z'), 2 * H)).toISOString()).toBe('2026-11-30T06:00:00.000Z'); // 11:00 + 1 h, lunch, 13:00 + 1 h → 14:00
  });

  it('counts wall-clock working hours across the New York DST changes', () => {
    // Friday 17:00 EST + 2 h: 1 h Friday, 1 h Monday after spring-forward (09:00 EDT = 13:00Z)
    expect(new Date(addBusinessTime(ny, t('2026-03-06T22:00:00Z'), 2 * H)).toISOString()).toBe('2026-03-09T14:00:00.000Z');
    // Friday 17:00 EDT + 2 h: 1 h Friday, 1 h Monday after fall-back (09:00 EST = 14:00Z)
    expect(new Date(addBusinessTime(ny, t('2026-10-30T21:00:00Z'), 2 * H)).toISOString()).toBe('2026-11-02T15:00:00.000Z');
  });

  it('crosses the year boundary past holidays', () => {
    const cal = weekdays('Asia/Shanghai', ['2027-01-01']);
    expect(new Date(addBusinessTime(cal, t('2026-12-31T09:00:00Z'), 2 * H)).toISOString()).toBe('2027-01-04T02:00:00.000Z'); // Thu 17-18, Fri holiday, weekend, Mon 09-10
  });

  it('refuses a calendar without working time instead of looping', () => {
    expect(() => addBusinessTime({ timeZone: 'UTC', week: [[], [], [], [], [], [], []], holidays: [] }, 0, H)).toThrow(/no working hours/);
  });

  it('around the clock is plain addition', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 0, max: 30 * 24 * H }), (s, d) => addBusinessTime(ALWAYS_OPEN, s, d) === s + d));
  });

  it('properties: monotonic, inverse of businessTimeBetween, lands in working time', () => {
    const start = fc.integer({ min: t('2026-01-01T00:00:00Z'), max: t('2027-12-31T00:00:00Z') });
    const dur = fc.integer({ min: 1, max: 200 * H });
    fc.assert(
      fc.property(start, dur, dur, (s, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const end = addBusinessTime(ny, s, lo);
        expect(addBusinessTime(ny, s, hi)).toBeGreaterThanOrEqual(end);
        expect(businessTimeBetween(ny, s, end)).toBe(lo);
        expect(isWorkingTime(ny, end - 1)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('slaSchedule', () => {
  const targets: SlaTargets = { firstResponseMs: 8 * H, resolutionMs: 27 * H, businessHours: true, warningFraction: 0.8, level3Fraction: 0.5 };
  const start = t('2026-11-27T09:00:00Z'); // Friday 17:00 Shanghai
  const cal = weekdays('Asia/Shanghai', ['2026-11-30']);

  it('an open pause suspends every deadline', () => {
    const s = slaSchedule(cal, targets, { startMs: start, pauses: [{ fromMs: start + H }] }, start + 5 * H);
    expect(s).toEqual({ pausedMs: 4 * H, paused: true });
  });

  it('a pause outside working hours moves nothing; inside it moves deadlines by the working time paused', () => {
    const none = slaSchedule(cal, targets, { startMs: start, pauses: [] }, start);
    const weekend = slaSchedule(cal, targets, { startMs: start, pauses: [{ fromMs: t('2026-11-28T02:00:00Z'), toMs: t('2026-11-29T02:00:00Z') }] }, start);
    expect(weekend.resolutionDueAt).toBe(none.resolutionDueAt);
    const tuesdayHour = slaSchedule(cal, targets, { startMs: start, pauses: [{ fromMs: t('2026-12-01T01:00:00Z'), toMs: t('2026-12-01T02:00:00Z') }] }, start);
    expect(businessTimeBetween(cal, none.resolutionDueAt!, tuesdayHour.resolutionDueAt!)).toBe(H);
  });

  it('puts warnings, breaches and level 3 where the policy says', () => {
    const s = slaSchedule(cal, targets, { startMs: start, pauses: [] }, start);
    expect(new Date(s.firstResponseDueAt!).toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(new Date(s.firstResponseWarnAt!).toISOString()).toBe('2026-12-01T06:24:00.000Z');
    expect(new Date(s.resolutionDueAt!).toISOString()).toBe('2026-12-03T09:00:00.000Z');
    expect(new Date(s.level3At!).toISOString()).toBe('2026-12-07T04:30:00.000Z');
  });
});
