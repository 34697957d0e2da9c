/**
 * Wall-clock time in an IANA zone, pure and deterministic (Intl.DateTimeFormat is available inside the
 * workflow sandbox and its answer depends only on its input and the bundled tz data).
 *
 * A "wall" value is the local clock reading expressed as if it were UTC milliseconds: for 09:00 on
 * 2026-03-06 in any zone it is Date.UTC(2026, 2, 6, 9). Dates are counted as "day numbers", the wall
 * value divided by a day, so 1970-01-01 is day 0 and calendar stepping is plain integer arithmetic.
 */

export const SECOND_MS = 1000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Formatting is the only way to read a zone's offset, and building a formatter is expensive: one per zone. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone (used to validate policy files). */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === '') return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
export function offsetAt(timeZone: string, ms: number): number {
  const p: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const wholeSecond = Math.floor(ms / SECOND_MS) * SECOND_MS;
  const wall = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, (p.hour ?? 0) % 24, p.minute ?? 0, p.second ?? 0);
  return wall - wholeSecond;
}

/** The wall-clock reading of an instant in the zone. */
export const wallOf = (timeZone: string, ms: number): number => ms + offsetAt(timeZone, ms);

/**
 * The instant of a wall-clock reading: the first instant whose local reading is at least `wall`.
 *
 * That one rule settles both DST cases deterministically and keeps the mapping monotonic (so a day's
 * working intervals can never come out inverted): in the spring-forward gap (02:30 in New York on the
 * second Sunday of March does not exist) it is the instant the clock jumps, 03:00 EDT; in the fall-back
 * overlap (01:30 happens twice) it is the first occurrence, 01:30 EDT.
 */
export function instantOfWall(timeZone: string, wall: number): number {
  // Any real zone changes its offset at most once within a day either side of a reading, so the
  // offsets a day before and after are the only candidates.
  const before = offsetAt(timeZone, wall - DAY_MS);
  const after = offsetAt(timeZone, wall + DAY_MS);
  let best = Number.POSITIVE_INFINITY;
  for (const o of before === after ? [before] : [before, after]) {
    if (offsetAt(timeZone, wall - o) === o) best = Math.min(best, wall - o);
  }
  return Number.isFinite(best) ? best : transitionInto(timeZone, wall, before, after);
}

/** In a gap: binary search for the instant the clock jumps past `wall` (one ms precision, ~22 steps). */
function transitionInto(timeZone: string, wall: number, before: number, after: number): number {
  const narrow = after > before;
  let lo = narrow ? wall - after : wall - 15 * HOUR_MS; // local reading below `wall`
  let hi = narrow ? wall - before : wall + 15 * HOUR_MS; // local reading at or past `wall`
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallOf(timeZone, mid) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The local date of an instant, as a day number. */
export const dayNumberOf = (timeZone: string, ms: number): number => Math.floor(wallOf(timeZone, ms) / DAY_MS);

/** 0 = Sunday … 6 = Saturday; day 0 (1970-01-01) was a Thursday. */
export const weekdayOf = (dayNumber: number): number => (((dayNumber + 4) % 7) + 7) % 7;

/** `YYYY-MM-DD` of a day number. */
export const isoDateOf = (dayNumber: number): string => new Date(dayNumber * DAY_MS).toISOString().slice(0, 10);

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * The instant of a local date-time written `YYYY-MM-DD[THH:MM[:SS[.mmm]]]` in the zone (gap and
 * overlap resolved as in instantOfWall). For tests, fixtures and operators' tools.
 */
export function zonedInstant(timeZone: string, local: string): number {
  const m = LOCAL_RE.exec(local);
  if (!m) throw new RangeError(`"${local}" is not a local date-time (YYYY-MM-DDTHH:MM[:SS])`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const milli = Number((m[7] ?? '0').padEnd(3, '0'));
  return instantOfWall(timeZone, Date.UTC(y, mo - 1, d, h, mi, s, milli));
}

/** The local reading of an instant as `YYYY-MM-DDTHH:MM:SS` (ms appended when not zero). */
export function formatZoned(timeZone: string, ms: number): string {
  const iso = new Date(wallOf(timeZone, ms)).toISOString();
  return iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
}
