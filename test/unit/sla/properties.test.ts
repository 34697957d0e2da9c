import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AROUND_THE_CLOCK, addBusinessDays, addBusinessTime, businessTimeBetween, isWorkingTime, nextWorkingInstant } from '../../../src/shared/business-time';
import { computeDeadlines } from '../../../src/shared/sla-clock';
import type { BusinessCalendar, SlaPause, WorkingInterval } from '../../../src/shared/sla-types';
import { parseSlaPolicy } from '../../../src/sla/policy';
import { H, LONDON, NEW_YORK, SHANGHAI } from './fixtures';

const ZONES = [SHANGHAI, NEW_YORK, LONDON, 'UTC', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kolkata'];
const FROM = Date.UTC(2025, 11, 1);
const TO = Date.UTC(2027, 1, 1);

/** A day's hours: sorted distinct minute marks paired up, so intervals never overlap (they may touch 24:00). */
const dayHours = fc.uniqueArray(fc.integer({ min: 0, max: 1440 }), { maxLength: 6 }).map((marks): WorkingInterval[] => {
  const sorted = [...marks].sort((a, b) => a - b);
  const out: WorkingInterval[] = [];
  for (let i = 0; i + 1 < sorted.length; i += 2) out.push([sorted[i]!, sorted[i + 1]!]);
  return out;
});

const isoDay = fc.integer({ min: 0, max: 420 }).map((d) => new Date(FROM + d * 86_400_000).toISOString().slice(0, 10));

/** Random calendars in zones with and without DST, with holidays and half days; never without working time. */
const calendarArb: fc.Arbitrary<BusinessCalendar> = fc
  .record({
    timeZone: fc.constantFrom(...ZONES),
    week: fc.array(dayHours, { minLength: 7, maxLength: 7 }),
    exceptions: fc.dictionary(isoDay, fc.record({ hours: fc.oneof(fc.constant([] as WorkingInterval[]), dayHours) }), { maxKeys: 25 }),
  })
  .filter((c) => c.week.some((d) => d.some(([a, b]) => b - a >= 30)));

const instant = fc.integer({ min: FROM, max: TO });
/** Up to ~80 working hours, at millisecond resolution. */
const duration = fc.integer({ min: 1, max: 80 * H });

/** SLA_PROPERTY_RUNS=5000 for a deeper search before touching the arithmetic. */
const scale = Number(process.env.SLA_PROPERTY_RUNS ?? 150) / 150;
const runs = (n: number): { numRuns: number } => ({ numRuns: Math.max(1, Math.round(n * scale)) });
const RUNS = runs(150);

describe('business-time properties', () => {
  it('counting back what was added gives the same duration', () => {
    fc.assert(
      fc.property(calendarArb, instant, duration, (cal, start, d) => {
        expect(businessTimeBetween(cal, start, addBusinessTime(cal, start, d))).toBe(d);
      }),
      RUNS,
    );
  });

  it('is strictly monotonic in the duration', () => {
    fc.assert(
      fc.property(calendarArb, instant, duration, duration, (cal, start, a, b) => {
        const [d1, d2] = a <= b ? [a, b] : [b, a];
        const t1 = addBusinessTime(cal, start, d1);
        const t2 = addBusinessTime(cal, start, d2);
        if (d1 === d2) expect(t1).toBe(t2);
        else expect(t1).toBeLessThan(t2);
      }),
      RUNS,
    );
  });

  it('lands in working time or exactly on a closing time, never earlier than plain addition', () => {
    fc.assert(
      fc.property(calendarArb, instant, duration, (cal, start, d) => {
        const t = addBusinessTime(cal, start, d);
        expect(isWorkingTime(cal, t - 1)).toBe(true);
        expect(t).toBeGreaterThanOrEqual(start + d);
      }),
      RUNS,
    );
  });

  it('adding in two steps equals adding at once', () => {
    fc.assert(
      fc.property(calendarArb, instant, duration, duration, (cal, start, d1, d2) => {
        expect(addBusinessTime(cal, addBusinessTime(cal, start, d1), d2)).toBe(addBusinessTime(cal, start, d1 + d2));
      }),
      RUNS,
    );
  });

  it('working time between instants is additive', () => {
    fc.assert(
      fc.property(calendarArb, instant, instant, instant, (cal, x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
        expect(businessTimeBetween(cal, a, b) + businessTimeBetween(cal, b, c)).toBe(businessTimeBetween(cal, a, c));
      }),
      runs(60),
    );
  });

  it('the next working instant is working time with none skipped before it', () => {
    fc.assert(
      fc.property(calendarArb, instant, (cal, t) => {
        const next = nextWorkingInstant(cal, t);
        expect(next).toBeGreaterThanOrEqual(t);
        expect(isWorkingTime(cal, next)).toBe(true);
        expect(businessTimeBetween(cal, t, next)).toBe(0);
        expect(isWorkingTime(cal, t)).toBe(next === t);
      }),
      RUNS,
    );
  });

  it('around the clock equals plain addition, with or without the shortcut, in any zone', () => {
    const split = (timeZone: string): BusinessCalendar => ({
      timeZone,
      week: Array.from({ length: 7 }, () => [
        [0, 600],
        [600, 1440],
      ]),
      exceptions: {},
    });
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instant, fc.integer({ min: 0, max: 400 * H }), (tz, start, d) => {
        expect(addBusinessTime(AROUND_THE_CLOCK, start, d)).toBe(start + d);
        expect(businessTimeBetween(AROUND_THE_CLOCK, start, start + d)).toBe(d);
        expect(addBusinessTime(split(tz), start, d)).toBe(start + d);
        expect(businessTimeBetween(split(tz), start, start + d)).toBe(d);
      }),
      RUNS,
    );
  });

  it('business days land at or after the next working instant and grow with n', () => {
    fc.assert(
      fc.property(calendarArb, instant, fc.integer({ min: 1, max: 10 }), (cal, start, n) => {
        const one = addBusinessDays(cal, start, n);
        const more = addBusinessDays(cal, start, n + 1);
        expect(one).toBeGreaterThanOrEqual(nextWorkingInstant(cal, start));
        expect(more).toBeGreaterThanOrEqual(one);
      }),
      runs(80),
    );
  });
});

describe('business-time properties around DST transitions', () => {
  // Instants of 2026 transitions: New York, London, Santiago (at midnight), Lord Howe (30 minutes).
  const TRANSITIONS: Array<[string, number]> = [
    [NEW_YORK, Date.UTC(2026, 2, 8, 7)],
    [NEW_YORK, Date.UTC(2026, 10, 1, 6)],
    [LONDON, Date.UTC(2026, 2, 29, 1)],
    [LONDON, Date.UTC(2026, 9, 25, 1)],
    ['America/Santiago', Date.UTC(2026, 3, 5, 3)],
    ['America/Santiago', Date.UTC(2026, 8, 6, 4)],
    ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 15)],
    ['Australia/Lord_Howe', Date.UTC(2026, 9, 3, 15, 30)],
  ];
  const near = fc.constantFrom(...TRANSITIONS).chain(([tz, t]) =>
    fc.record({ tz: fc.constant(tz), start: fc.integer({ min: t - 2 * 86_400_000, max: t + 86_400_000 }) }),
  );
  const weekArb = fc.array(dayHours, { minLength: 7, maxLength: 7 }).filter((w) => w.some((d) => d.some(([a, b]) => b - a >= 30)));

  it('round trip, monotonicity and landing hold across the changes', () => {
    fc.assert(
      fc.property(near, weekArb, fc.integer({ min: 1, max: 30 * H }), fc.integer({ min: 1, max: 30 * H }), ({ tz, start }, week, a, b) => {
        const cal: BusinessCalendar = { timeZone: tz, week, exceptions: {} };
        const [d1, d2] = a <= b ? [a, b] : [b, a];
        const t1 = addBusinessTime(cal, start, d1);
        const t2 = addBusinessTime(cal, start, d2);
        expect(businessTimeBetween(cal, start, t1)).toBe(d1);
        expect(t1 <= t2 && (d1 === d2 || t1 < t2)).toBe(true);
        expect(isWorkingTime(cal, t1 - 1)).toBe(true);
      }),
      runs(300),
    );
  });
});

describe('SLA clock properties', () => {
  const policy = parseSlaPolicy('calendar: { timeZone: America/New_York, holidays: [2026-03-09, 2026-11-26] }\n', 'p.yml');
  const pausesArb = fc
    .array(fc.tuple(fc.integer({ min: 0, max: 20 * 86_400_000 }), fc.integer({ min: 1, max: 3 * 86_400_000 })), { maxLength: 4 })
    .map((ps) => ps.map(([offset, length]): [number, number] => [offset, length]));

  it('the time counted outside pauses up to a deadline is exactly its target', () => {
    fc.assert(
      fc.property(instant, pausesArb, fc.constantFrom('P1', 'P2', 'P3', 'P4' as const), (start, raw, priority) => {
        const pauses: SlaPause[] = raw.map(([o, l]) => ({ fromMs: start + o, toMs: start + o + l }));
        const d = computeDeadlines(policy, priority, undefined, { startedAtMs: start, pauses }, start);
        const cal = d.businessHours ? policy.calendar : AROUND_THE_CLOCK;
        const due = d.resolution.dueAt!;
        // Pauses may overlap; count the union of their working time before the deadline.
        const spans = pauses.map((p) => [p.fromMs, Math.min(p.toMs!, due)] as const).sort((a, b) => a[0] - b[0]);
        let paused = 0;
        let reach = start;
        for (const [a, b] of spans) {
          const from = Math.max(a, reach);
          if (b > from) paused += businessTimeBetween(cal, from, b);
          reach = Math.max(reach, b);
        }
        expect(businessTimeBetween(cal, start, due) - paused).toBe(d.resolution.targetMs);
      }),
      runs(100),
    );
  });

  it('pauses only ever move deadlines later, and a priority change never places one before it', () => {
    fc.assert(
      fc.property(instant, pausesArb, fc.integer({ min: 0, max: 10 * 86_400_000 }), (start, raw, changeOffset) => {
        const pauses: SlaPause[] = raw.map(([o, l]) => ({ fromMs: start + o, toMs: start + o + l }));
        const plain = computeDeadlines(policy, 'P3', undefined, { startedAtMs: start, pauses: [] }, start);
        const paused = computeDeadlines(policy, 'P3', undefined, { startedAtMs: start, pauses }, start);
        expect(paused.resolution.dueAt!).toBeGreaterThanOrEqual(plain.resolution.dueAt!);
        expect(paused.firstResponse.dueAt!).toBeGreaterThanOrEqual(plain.firstResponse.dueAt!);
        const changedAt = start + changeOffset;
        const changed = computeDeadlines(policy, 'P2', undefined, { startedAtMs: start, pauses, priorityChangedAtMs: changedAt }, changedAt);
        const unchanged = computeDeadlines(policy, 'P2', undefined, { startedAtMs: start, pauses }, changedAt);
        expect(changed.resolution.dueAt).toBe(Math.max(unchanged.resolution.dueAt!, changedAt));
        expect(changed.firstResponse.warningAt).toBe(Math.max(unchanged.firstResponse.warningAt!, changedAt));
      }),
      runs(100),
    );
  });
});
