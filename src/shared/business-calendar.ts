/**
 * Business-time arithmetic over a working calendar, pure and deterministic: the workflow computes SLA
 * deadlines with it (Intl is available in the workflow sandbox). All instants are epoch milliseconds;
 * working hours are wall-clock times in the calendar's IANA time zone, so DST is handled by converting
 * each day's opening and closing time on that day.
 */

/** A working interval within a day, in minutes after local midnight: [540, 1080] is 09:00–18:00. */
export type Interval = readonly [number, number];

export interface BusinessCalendar {
  timeZone: string;
  /** Working intervals per weekday, 0 = Sunday … 6 = Saturday; an empty list is a closed day. */
  week: readonly (readonly Interval[])[];
  /** Closed dates, `YYYY-MM-DD` in the calendar's zone. */
  holidays: readonly string[];
}

/** Around the clock, every day: what P1 targets use. */
export const ALWAYS_OPEN: BusinessCalendar = { timeZone: 'UTC', week: Array.from({ length: 7 }, () => [[0, 1440]] as const), holidays: [] };

const DAY_MS = 86_400_000;
/** A calendar that never opens would loop forever; ten years of closed days means misconfiguration. */
const MAX_DAYS = 3660;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(ms: number, timeZone: string): LocalParts {
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour! % 24, minute: p.minute!, second: p.second! };
}

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
function offsetAt(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant of a local wall-clock time. In the spring-forward gap (a time that does not exist) it
 * lands after the gap; in the fall-back overlap it takes the first of the two instants. Both are the
 * deterministic choices a person reading a clock would accept.
 */
export function zonedToUtc(year: number, month: number, day: number, minuteOfDay: number, timeZone: string): number {
  const guess = Date.UTC(year, month - 1, day, 0, minuteOfDay); // the wall time read as if it were UTC
  const want = new Date(guess);
  // Offsets change at most once around any date; the ones a day either side cover both sides of it.
  const candidates = [...new Set([guess - DAY_MS, guess, guess + DAY_MS].map((t) => guess - offsetAt(t, timeZone)))];
  const matches = candidates.filter((t) => {
    const p = localParts(t, timeZone);
    return p.year === want.getUTCFullYear() && p.month === want.getUTCMonth() + 1 && p.day === want.getUTCDate() && p.hour === want.getUTCHours() && p.minute === want.getUTCMinutes();
  });
  return matches.length > 0 ? Math.min(...matches) : Math.max(...candidates);
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The local calendar date (and weekday) of an instant in the zone. */
export function localDate(ms: number, timeZone: string): { year: number; month: number; day: number; weekday: number; iso: string } {
  const p = localParts(ms, timeZone);
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
  return { year: p.year, month: p.month, day: p.day, weekday, iso: `${p.year}-${pad(p.month)}-${pad(p.day)}` };
}

interface Day {
  start: number; // local midnight, as an instant
  next: number; // next local midnight
  open: Array<[number, number]>; // working intervals as instants
}

function dayOf(cal: BusinessCalendar, ms: number): Day {
  const d = localDate(ms, cal.timeZone);
  const start = zonedToUtc(d.year, d.month, d.day, 0, cal.timeZone);
  const nextDate = new Date(Date.UTC(d.year, d.month - 1, d.day + 1));
  const next = zonedToUtc(nextDate.getUTCFullYear(), nextDate.getUTCMonth() + 1, nextDate.getUTCDate(), 0, cal.timeZone);
  const intervals = cal.holidays.includes(d.iso) ? [] : (cal.week[d.weekday] ?? []);
  const open = intervals.map(([a, b]) => [zonedToUtc(d.year, d.month, d.day, a, cal.timeZone), b >= 1440 ? next : zonedToUtc(d.year, d.month, d.day, b, cal.timeZone)] as [number, number]);
  return { start, next: next > start ? next : start + DAY_MS, open };
}

/** True when the calendar has working time in some weekday at all. */
export const hasWorkingTime = (cal: BusinessCalendar): boolean => cal.week.some((d) => d.some(([a, b]) => b > a));

/**
 * The instant at which `durationMs` of working time has passed after `startMs`. Outside working hours
 * the clock waits for the next opening; zero duration returns the start unchanged.
 */
export function addBusinessTime(cal: BusinessCalendar, startMs: number, durationMs: number): number {
  if (durationMs <= 0) return startMs;
  if (!hasWorkingTime(cal)) throw new Error('the business calendar has no working hours');
  let remaining = durationMs;
  let t = startMs;
  for (let i = 0; i < MAX_DAYS; i++) {
    const day = dayOf(cal, t);
    for (const [a, b] of day.open) {
      if (b <= t) continue;
      const from = Math.max(a, t);
      if (b - from >= remaining) return from + remaining;
      remaining -= b - from;
      t = b;
    }
    t = day.next;
  }
  throw new Error('no working time within ten years: check the holidays');
}

/** Working milliseconds between two instants (0 when `to` is not after `from`). */
export function businessTimeBetween(cal: BusinessCalendar, fromMs: number, toMs: number): number {
  let total = 0;
  let t = fromMs;
  for (let i = 0; i < MAX_DAYS && t < toMs; i++) {
    const day = dayOf(cal, t);
    for (const [a, b] of day.open) total += Math.max(0, Math.min(b, toMs) - Math.max(a, t));
    t = day.next;
  }
  return total;
}

/** Whether the instant falls in working time. */
export function isWorkingTime(cal: BusinessCalendar, ms: number): boolean {
  return dayOf(cal, ms).open.some(([a, b]) => ms >= a && ms < b);
}
