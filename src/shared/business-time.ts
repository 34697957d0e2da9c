/**
 * Business-time arithmetic over a working calendar: pure, deterministic, and safe in the workflow
 * sandbox (no I/O, no clock, no randomness; only Intl through ./zoned-time). Instants are epoch
 * milliseconds. Working hours are wall-clock times in the calendar's zone, converted day by day, so a
 * DST change moves the instants of 09:00 and 18:00 with the local clock and a working day stays nine
 * hours long on both sides of it. Intervals are half-open: 09:00 is working time, 18:00 is not.
 */
import type { BusinessCalendar, SlaDuration, WorkingInterval } from './sla-types';
import { DAY_MS, HOUR_MS, MINUTE_MS, dayNumberOf, instantOfWall, isoDateOf, offsetAt, wallOf, weekdayOf } from './zoned-time';

const FULL_DAY: readonly WorkingInterval[] = [[0, 1440]];

/** Every minute of every day counts: the basis of targets that run around the clock (P1 by default). */
export const AROUND_THE_CLOCK: BusinessCalendar = { timeZone: 'UTC', week: Array.from({ length: 7 }, () => FULL_DAY), exceptions: {} };

/**
 * Loops walk whole days, never minutes. The policy caps targets at a year, so these bounds are only
 * reached by a broken calendar, and then we fail loudly rather than spin inside a workflow task.
 */
const MAX_CLOSED_DAYS = 3660;
const MAX_SPAN_DAYS = 14_610;
/** A transition a day away can still shift a reading at the day's edge; sample beyond it. */
const OFFSET_MARGIN_MS = 15 * HOUR_MS;

/** One local day: its bounds and its working intervals, all as instants. */
interface DayPlan {
  startMs: number;
  open: readonly (readonly [number, number])[];
}

/** Per-calendar memo of day plans; cleared when large so a long-lived worker cannot grow without bound. */
const plans = new WeakMap<BusinessCalendar, Map<number, DayPlan>>();
const MAX_CACHED_DAYS = 4096;
const continuous = new WeakMap<BusinessCalendar, boolean>();

/** The working intervals (minutes) on a local day: a dated exception wins over the weekday's hours. */
function hoursOn(cal: BusinessCalendar, day: number): readonly WorkingInterval[] {
  const iso = isoDateOf(day);
  const exception = Object.hasOwn(cal.exceptions, iso) ? cal.exceptions[iso] : undefined;
  return exception ? exception.hours : (cal.week[weekdayOf(day)] ?? []);
}

function buildPlan(cal: BusinessCalendar, day: number): DayPlan {
  const tz = cal.timeZone;
  const base = day * DAY_MS;
  const before = offsetAt(tz, base - OFFSET_MARGIN_MS);
  const after = offsetAt(tz, base + DAY_MS + OFFSET_MARGIN_MS);
  // Nearly every day has one offset throughout: then a reading converts by subtraction alone.
  const at = before === after ? (wall: number): number => wall - before : (wall: number): number => instantOfWall(tz, wall);
  const open: Array<[number, number]> = [];
  for (const [a, b] of hoursOn(cal, day)) {
    const from = at(base + a * MINUTE_MS);
    const to = at(base + b * MINUTE_MS);
    if (to <= from) continue; // swallowed by a spring-forward gap
    const last = open[open.length - 1];
    if (last && last[1] >= from) last[1] = Math.max(last[1], to);
    else open.push([from, to]);
  }
  return { startMs: at(base), open };
}

function planOf(cal: BusinessCalendar, day: number): DayPlan {
  let memo = plans.get(cal);
  if (!memo) {
    memo = new Map();
    plans.set(cal, memo);
  }
  let plan = memo.get(day);
  if (!plan) {
    if (memo.size >= MAX_CACHED_DAYS) memo.clear();
    plan = buildPlan(cal, day);
    memo.set(day, plan);
  }
  return plan;
}

/** True for a calendar open 00:00–24:00 every day with no exceptions: plain arithmetic applies. */
function isContinuous(cal: BusinessCalendar): boolean {
  let known = continuous.get(cal);
  if (known === undefined) {
    known = Object.keys(cal.exceptions).length === 0 && cal.week.length === 7 && cal.week.every((d) => d.length === 1 && d[0]![0] === 0 && d[0]![1] === 1440);
    continuous.set(cal, known);
  }
  return known;
}

function assertFinite(...values: number[]): void {
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`business time: ${v} is not a finite number`);
}

function noWorkingTime(cal: BusinessCalendar): Error {
  return new Error(`business calendar (${cal.timeZone}) has no working time within ${MAX_CLOSED_DAYS} days: check its hours and exceptions`);
}

/** Whether the weekly pattern has any working time at all (the policy rejects one that has none). */
export function hasWorkingTime(cal: BusinessCalendar): boolean {
  return cal.week.some((day) => day.some(([a, b]) => b > a));
}

/**
 * The first working instant at or after `ms`: `ms` itself during working hours, else the next opening.
 * A closing time is not working time (intervals are half-open), so 18:00 moves to the next opening.
 */
export function nextWorkingInstant(cal: BusinessCalendar, ms: number): number {
  assertFinite(ms);
  if (isContinuous(cal)) return ms;
  let day = dayNumberOf(cal.timeZone, ms);
  for (let closed = 0; closed < MAX_CLOSED_DAYS; closed++, day++) {
    for (const [a, b] of planOf(cal, day).open) if (b > ms) return Math.max(a, ms);
  }
  throw noWorkingTime(cal);
}

/** Whether `ms` falls inside working hours (opening instant included, closing instant excluded). */
export function isWorkingTime(cal: BusinessCalendar, ms: number): boolean {
  return nextWorkingInstant(cal, ms) === ms;
}

/**
 * The instant at which `durationMs` of working time has elapsed after `startMs`: the earliest such
 * instant, so a target that runs out exactly at closing time is due at the closing time, not at the
 * next opening. Outside working hours the clock starts at the next opening. Zero returns `startMs`.
 */
export function addBusinessTime(cal: BusinessCalendar, startMs: number, durationMs: number): number {
  assertFinite(startMs, durationMs);
  if (durationMs <= 0) return startMs;
  if (isContinuous(cal)) return startMs + durationMs;
  let remaining = durationMs;
  let day = dayNumberOf(cal.timeZone, startMs);
  let closed = 0;
  for (let i = 0; i < MAX_SPAN_DAYS && closed < MAX_CLOSED_DAYS; i++, day++) {
    const { open } = planOf(cal, day);
    let worked = false;
    for (const [a, b] of open) {
      if (b <= startMs) continue;
      const from = Math.max(a, startMs);
      if (b - from >= remaining) return from + remaining;
      remaining -= b - from;
      worked = true;
    }
    closed = worked ? 0 : closed + 1;
  }
  throw noWorkingTime(cal);
}

/** Working milliseconds in `[fromMs, toMs)`; 0 when `toMs` is not after `fromMs`. */
export function businessTimeBetween(cal: BusinessCalendar, fromMs: number, toMs: number): number {
  assertFinite(fromMs, toMs);
  if (toMs <= fromMs) return 0;
  if (isContinuous(cal)) return toMs - fromMs;
  let total = 0;
  let day = dayNumberOf(cal.timeZone, fromMs);
  for (let i = 0; i < MAX_SPAN_DAYS; i++, day++) {
    const plan = planOf(cal, day);
    if (plan.startMs >= toMs) return total;
    for (const [a, b] of plan.open) total += Math.max(0, Math.min(b, toMs) - Math.max(a, fromMs));
  }
  throw new RangeError(`business time: span of more than ${MAX_SPAN_DAYS} days`);
}

/**
 * The working time from `startMs` to the end of `days` business days.
 *
 * A business day is what a support manager means by it: "3 business days" from Tuesday 14:00 is Friday
 * 14:00, the same wall-clock time on the n-th following working day (a day with any working hours;
 * weekends and holidays are skipped). Counting starts from the next working instant, so a Saturday
 * complaint starts Monday 09:00 and "1 business day" ends Monday 18:00; one received Friday 17:00
 * before a Monday holiday with 3 business days is due Thursday 17:00. When the landing day closes
 * earlier (a half day) the target ends at its closing time.
 *
 * The result is an amount of working time measured once from the clock's start; pauses and priority
 * changes then work on that amount like on any other target.
 */
export function businessDaysToMs(cal: BusinessCalendar, startMs: number, days: number): number {
  assertFinite(startMs, days);
  if (days <= 0) return 0;
  const tz = cal.timeZone;
  const from = nextWorkingInstant(cal, startMs);
  const wall = wallOf(tz, from);
  const firstDay = Math.floor(wall / DAY_MS);
  let day = firstDay;
  for (let counted = 0, closed = 0; counted < days; ) {
    day++;
    if (planOf(cal, day).open.length > 0) {
      counted++;
      closed = 0;
    } else if (++closed >= MAX_CLOSED_DAYS) throw noWorkingTime(cal);
  }
  const landing = instantOfWall(tz, day * DAY_MS + (wall - firstDay * DAY_MS));
  return businessTimeBetween(cal, from, landing);
}

/** The instant `days` business days after `startMs` (see businessDaysToMs for the definition). */
export function addBusinessDays(cal: BusinessCalendar, startMs: number, days: number): number {
  return addBusinessTime(cal, startMs, businessDaysToMs(cal, startMs, days));
}

/**
 * A policy duration as an amount of counted time for a clock starting at `startMs`. Business days are
 * measured on `calendar`; on an around-the-clock basis (which the policy forbids for business days)
 * they degrade to 24-hour days rather than failing inside a workflow.
 */
export function durationToMs(duration: SlaDuration, calendar: BusinessCalendar, businessHours: boolean, startMs: number): number {
  if ('ms' in duration) return duration.ms;
  return businessHours ? businessDaysToMs(calendar, startMs, duration.businessDays) : duration.businessDays * DAY_MS;
}
