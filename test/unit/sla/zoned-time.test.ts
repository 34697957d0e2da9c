import { describe, expect, it } from 'vitest';
import { dayNumberOf, formatZoned, instantOfWall, isValidTimeZone, isoDateOf, offsetAt, weekdayOf, zonedInstant } from '../../../src/shared/zoned-time';
import { H, LONDON, NEW_YORK, SHANGHAI } from './fixtures';

const utc = (ms: number): string => new Date(ms).toISOString();

describe('zoned time', () => {
  it('reads offsets, including DST in New York and London and none in Shanghai', () => {
    expect(offsetAt(SHANGHAI, Date.UTC(2026, 0, 15))).toBe(8 * H);
    expect(offsetAt(SHANGHAI, Date.UTC(2026, 6, 15))).toBe(8 * H);
    expect(offsetAt(NEW_YORK, Date.UTC(2026, 0, 15))).toBe(-5 * H);
    expect(offsetAt(NEW_YORK, Date.UTC(2026, 6, 15))).toBe(-4 * H);
    expect(offsetAt(LONDON, Date.UTC(2026, 0, 15))).toBe(0);
    expect(offsetAt(LONDON, Date.UTC(2026, 6, 15))).toBe(H);
  });

  it('converts ordinary local times both ways', () => {
    expect(utc(zonedInstant(SHANGHAI, '2026-03-06T17:00'))).toBe('2026-03-06T09:00:00.000Z');
    expect(utc(zonedInstant(NEW_YORK, '2026-07-01T09:00:30.250'))).toBe('2026-07-01T13:00:30.250Z');
    expect(formatZoned(SHANGHAI, Date.UTC(2026, 2, 6, 9))).toBe('2026-03-06T17:00:00');
    expect(formatZoned(NEW_YORK, Date.UTC(2026, 6, 1, 13, 0, 30, 250))).toBe('2026-07-01T09:00:30.250');
    expect(zonedInstant('UTC', '2026-03-06')).toBe(Date.UTC(2026, 2, 6));
  });

  it('a time in the spring-forward gap lands on the jump (New York 02:30 → 03:00 EDT)', () => {
    expect(utc(zonedInstant(NEW_YORK, '2026-03-08T02:00'))).toBe('2026-03-08T07:00:00.000Z');
    expect(utc(zonedInstant(NEW_YORK, '2026-03-08T02:30'))).toBe('2026-03-08T07:00:00.000Z');
    expect(utc(zonedInstant(NEW_YORK, '2026-03-08T03:00'))).toBe('2026-03-08T07:00:00.000Z');
    expect(utc(zonedInstant(NEW_YORK, '2026-03-08T01:59:59'))).toBe('2026-03-08T06:59:59.000Z');
    expect(utc(zonedInstant(LONDON, '2026-03-29T01:30'))).toBe('2026-03-29T01:00:00.000Z');
  });

  it('a time in the fall-back overlap takes its first occurrence (New York 01:30 EDT)', () => {
    expect(utc(zonedInstant(NEW_YORK, '2026-11-01T01:30'))).toBe('2026-11-01T05:30:00.000Z');
    expect(utc(zonedInstant(NEW_YORK, '2026-11-01T02:00'))).toBe('2026-11-01T07:00:00.000Z');
    expect(utc(zonedInstant(LONDON, '2026-10-25T01:30'))).toBe('2026-10-25T00:30:00.000Z');
  });

  it('handles zones that change at midnight (Santiago: the day starts at 01:00, or 00:00 comes late)', () => {
    expect(formatZoned('America/Santiago', zonedInstant('America/Santiago', '2026-09-06T00:00'))).toBe('2026-09-06T01:00:00');
    // On 2026-04-05 the clock goes from 24:00 back to 23:00: 23:30 on the 4th is its first occurrence.
    expect(utc(zonedInstant('America/Santiago', '2026-04-04T23:30'))).toBe('2026-04-05T02:30:00.000Z');
    expect(utc(zonedInstant('America/Santiago', '2026-04-05T00:00'))).toBe('2026-04-05T04:00:00.000Z');
  });

  it('the wall-to-instant mapping never goes backwards across a DST day', () => {
    for (const tz of [NEW_YORK, LONDON, 'America/Santiago', 'Australia/Lord_Howe']) {
      for (const day of [Date.UTC(2026, 2, 8), Date.UTC(2026, 10, 1), Date.UTC(2026, 3, 5), Date.UTC(2026, 8, 6), Date.UTC(2026, 3, 4), Date.UTC(2026, 9, 4)]) {
        let previous = Number.NEGATIVE_INFINITY;
        for (let minute = 0; minute <= 1440; minute += 10) {
          const t = instantOfWall(tz, day + minute * 60_000);
          expect(t).toBeGreaterThanOrEqual(previous);
          previous = t;
        }
      }
    }
  });

  it('counts days and weekdays', () => {
    const d = dayNumberOf(SHANGHAI, zonedInstant(SHANGHAI, '2026-03-06T23:30'));
    expect(isoDateOf(d)).toBe('2026-03-06');
    expect(weekdayOf(d)).toBe(5);
    expect(weekdayOf(0)).toBe(4);
    expect(weekdayOf(-1)).toBe(3);
    expect(isoDateOf(dayNumberOf(NEW_YORK, Date.UTC(2026, 2, 7, 3)))).toBe('2026-03-06');
  });

  it('validates zone names', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(() => zonedInstant(SHANGHAI, '06/03/2026')).toThrow(/not a local date-time/);
  });
});
