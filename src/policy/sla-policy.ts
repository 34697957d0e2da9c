import { z } from 'zod';
import { defaultsFile, readConfigFile } from '../lib/config-file';
import { PRIORITIES, type Priority } from '../shared/constants';
import type { BusinessCalendar, Interval } from '../shared/business-calendar';
import { hasWorkingTime } from '../shared/business-calendar';
import type { SlaTargets } from '../shared/sla';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration into { ms } or { businessDays }. Accepts "90s", "15m", "4h", "1h30m", "2d",
 * ISO 8601 "PT4H" / "P1DT2H", "1 business day", "3bd".
 */
export function parseDuration(raw: string | number): { ms: number } | { businessDays: number } | undefined {
  const s = String(raw).trim().toLowerCase();
  const bd = /^(\d+(?:\.\d+)?)\s*(?:bd|business\s+days?)$/.exec(s);
  if (bd) return { businessDays: Number(bd[1]) };
  const iso = /^p(?:(\d+)d)?(?:t(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?)?$/.exec(s);
  if (iso && s !== 'p' && s !== 'pt') {
    const [, d = 0, h = 0, m = 0, sec = 0] = iso;
    return { ms: Number(d) * UNIT_MS.d! + Number(h) * UNIT_MS.h! + Number(m) * UNIT_MS.m! + Number(sec) * 1000 };
  }
  const parts = [...s.matchAll(/(\d+(?:\.\d+)?)\s*([smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('').replace(/\s/g, '') !== s.replace(/\s/g, '')) return undefined;
  return { ms: parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0) };
}

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const d = parseDuration(v);
  if (!d || ('ms' in d ? d.ms <= 0 : d.businessDays <= 0)) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration (e.g. 90s, 4h, 1h30m, 2d, PT4H, 3 business days)` });
    return z.NEVER;
  }
  return d;
});

const hhmm = /^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):([0-5]\d)|24:00)$/;
const interval = z
  .string()
  .regex(hhmm, 'must look like 09:00-18:00')
  .transform((s, ctx): Interval => {
    const [a, b] = s.split('-').map((x) => Number(x.slice(0, 2)) * 60 + Number(x.slice(3, 5))) as [number, number];
    if (b <= a) ctx.addIssue({ code: 'custom', message: `${s}: the end must be after the start` });
    return [a, b];
  });

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const targetsSchema = z.object({ firstResponse: duration, resolution: duration, businessHours: z.boolean().default(true) }).strict();

const policySchema = z
  .object({
    warningThreshold: z.number().gt(0).lt(1).default(0.8),
    level3After: z.number().gt(0).max(10).default(0.5),
    calendar: z
      .object({
        timeZone: z.string().refine((tz) => {
          try {
            new Intl.DateTimeFormat('en-US', { timeZone: tz });
            return true;
          } catch {
            return false;
          }
        }, 'not an IANA time zone'),
        hours: z.object(Object.fromEntries(DAYS.map((d) => [d, z.array(interval).default([])])) as Record<(typeof DAYS)[number], z.ZodDefault<z.ZodArray<typeof interval>>>).strict(),
        holidays: z.array(z.union([z.iso.date(), z.date().transform((d) => d.toISOString().slice(0, 10))])).default([]),
      })
      .strict(),
    priorities: z.object(Object.fromEntries(PRIORITIES.map((p) => [p, targetsSchema])) as Record<Priority, typeof targetsSchema>).strict(),
    categories: z.record(z.string(), z.partialRecord(z.enum(PRIORITIES), targetsSchema.partial())).default({}),
  })
  .strict();

type RawPolicy = z.infer<typeof policySchema>;
type Dur = { ms: number } | { businessDays: number };

export interface SlaPolicy {
  calendar: BusinessCalendar;
  /** Resolved targets for a priority, with a category's overrides applied. */
  targetsFor(priority: Priority, category?: string): SlaTargets;
}

function build(raw: RawPolicy): SlaPolicy {
  const calendar: BusinessCalendar = { timeZone: raw.calendar.timeZone, week: DAYS.map((d) => raw.calendar.hours[d]), holidays: raw.calendar.holidays };
  if (!hasWorkingTime(calendar)) throw new Error('calendar.hours: no working hours on any day');
  const dayMs = Math.max(...calendar.week.map((d) => d.reduce((sum, [a, b]) => sum + (b - a) * 60_000, 0)));
  const ms = (d: Dur): number => ('ms' in d ? d.ms : d.businessDays * dayMs);
  return {
    calendar,
    targetsFor(priority, category) {
      const base = raw.priorities[priority];
      const over = (category ? raw.categories[category]?.[priority] : undefined) ?? {};
      const t = { ...base, ...over };
      return { firstResponseMs: ms(t.firstResponse), resolutionMs: ms(t.resolution), businessHours: t.businessHours, warningFraction: raw.warningThreshold, level3Fraction: raw.level3After };
    },
  };
}

/** Loads and validates the SLA policy (SLA_POLICY_FILE, else the shipped defaults). */
export function loadSlaPolicy(file?: string): SlaPolicy {
  const f = file ?? defaultsFile('sla-policy.yml');
  try {
    return build(readConfigFile(f, policySchema));
  } catch (err) {
    const msg = (err as Error).message;
    throw new Error(msg.startsWith(f.split('/').pop()!) ? msg : `${f.split('/').pop()}: ${msg}`);
  }
}
