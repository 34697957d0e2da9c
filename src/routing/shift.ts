import { z } from 'zod';
import { isValidTimeZone } from '../shared/zoned-time';
import type { BusinessCalendar, WorkingInterval } from '../shared/sla-types';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

const interval = z
  .string()
  .regex(HHMM, 'must look like 09:00-18:00')
  .transform((s, ctx): WorkingInterval => {
    const [a, b] = s.split('-').map((x) => Number(x.slice(0, 2)) * 60 + Number(x.slice(3, 5))) as [number, number];
    if (b <= a) ctx.addIssue({ code: 'custom', message: `${s}: the end must be after the start` });
    return [a, b];
  });

/**
 * A handler's shift as people write it: `{ timeZone: Asia/Shanghai, hours: { mon: ["09:00-18:00"], … } }`
 * (days left out are off). Stored as a BusinessCalendar, so the same business-time code answers
 * "on shift now?" and "when does the next shift start?".
 */
export const shiftSchema = z
  .object({
    timeZone: z.string().refine(isValidTimeZone, 'not an IANA time zone'),
    hours: z.partialRecord(z.enum(DAYS), z.array(interval)),
    /** Closed dates (YYYY-MM-DD in the zone): a department's holidays. */
    holidays: z.array(z.iso.date()).max(400).default([]),
  })
  .strict()
  .transform(
    (s): BusinessCalendar => ({ timeZone: s.timeZone, week: DAYS.map((d) => s.hours[d] ?? []), exceptions: Object.fromEntries(s.holidays.map((d) => [d, { hours: [] }])) }),
  )
  .refine((cal) => cal.week.some((d) => d.length > 0), 'a shift needs working hours on at least one day');

const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (min: number) => `${pad(Math.floor(min / 60))}:${pad(min % 60)}`;

/** The people-readable form of a stored shift (the inverse of shiftSchema). */
export function describeShift(cal: BusinessCalendar | null): { timeZone: string; hours: Record<string, string[]>; holidays: string[] } | null {
  if (!cal) return null;
  const hours: Record<string, string[]> = {};
  cal.week.forEach((d, i) => {
    if (d.length > 0) hours[DAYS[i]!] = d.map(([a, b]) => `${hhmm(a)}-${hhmm(b)}`);
  });
  const holidays = Object.entries(cal.exceptions)
    .filter(([, e]) => e.hours.length === 0)
    .map(([d]) => d)
    .sort();
  return { timeZone: cal.timeZone, hours, holidays };
}
