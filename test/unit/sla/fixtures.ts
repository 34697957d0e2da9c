import type { BusinessCalendar, CalendarException, WorkingInterval } from '../../../src/shared/sla-types';
import { formatZoned, zonedInstant } from '../../../src/shared/zoned-time';

export const SHANGHAI = 'Asia/Shanghai';
export const NEW_YORK = 'America/New_York';
export const LONDON = 'Europe/London';

export const NINE_TO_SIX: readonly WorkingInterval[] = [[540, 1080]];
export const WITH_LUNCH: readonly WorkingInterval[] = [
  [540, 720],
  [780, 1080],
];

/** Monday to Friday with the given hours (09:00–18:00 by default), plus dated exceptions. */
export function weekdays(timeZone: string, hours: readonly WorkingInterval[] = NINE_TO_SIX, exceptions: Record<string, CalendarException> = {}): BusinessCalendar {
  return { timeZone, week: [[], hours, hours, hours, hours, hours, []], exceptions };
}

/** Closed dates as calendar exceptions. */
export const holidays = (...dates: string[]): Record<string, CalendarException> => Object.fromEntries(dates.map((d) => [d, { hours: [] }]));

/** Local time → instant, and back, in a zone: keeps expectations readable as wall-clock times. */
export const at = (timeZone: string) => (local: string): number => zonedInstant(timeZone, local);
export const local = (timeZone: string) => (ms: number | null): string | null => (ms === null ? null : formatZoned(timeZone, ms));

export const H = 3_600_000;
export const M = 60_000;
export const S = 1000;
