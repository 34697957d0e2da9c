/**
 * The SLA policy file (YAML or JSON): read once at start, validated with zod, resolved into the plain
 * `SlaPolicy` data that travels into workflows. Every mistake is reported as
 * `<file>: <field.path>: <what is wrong>`, all of them at once, so an operator fixes a file in one go.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { PRIORITIES } from '../domain/complaint/vocabulary';
import { hasWorkingTime } from '../shared/business-time';
import type { BusinessCalendar, CalendarException, SlaDuration, SlaPolicy, SlaPriority, SlaTargets, WorkingInterval } from '../shared/sla-types';
import { isValidTimeZone } from '../shared/zoned-time';

/** The complaint's priorities (src/domain/complaint), each with targets in the policy. */
export const SLA_PRIORITIES: readonly SlaPriority[] = PRIORITIES;

/** The shipped sample, resolved from this module so it is found from any working directory. */
export const DEFAULT_SLA_POLICY_FILE = fileURLToPath(new URL('../defaults/sla-policy.yml', import.meta.url));

/** Issue 3's defaults: P1 around the clock, the others in business hours. */
export const DEFAULT_SLA_TARGETS: Readonly<Record<SlaPriority, SlaTargets>> = {
  P1: { firstResponse: { ms: 3_600_000 }, resolution: { ms: 4 * 3_600_000 }, businessHours: false },
  P2: { firstResponse: { ms: 4 * 3_600_000 }, resolution: { businessDays: 1 }, businessHours: true },
  P3: { firstResponse: { ms: 8 * 3_600_000 }, resolution: { businessDays: 3 }, businessHours: true },
  P4: { firstResponse: { ms: 24 * 3_600_000 }, resolution: { businessDays: 5 }, businessHours: true },
};

export const DEFAULT_WARNING_THRESHOLD = 0.8;
export const DEFAULT_LEVEL3_AFTER = 0.5;
/** Monday to Friday 09:00–18:00 when a calendar gives no `hours`. */
const DEFAULT_WEEK: readonly (readonly WorkingInterval[])[] = [[], [[540, 1080]], [[540, 1080]], [[540, 1080]], [[540, 1080]], [[540, 1080]], []];

// ---------------------------------------------------------------------------------------------------
// Durations

const UNIT_MS: Record<string, number> = {};
for (const [ms, names] of [
  [1000, ['s', 'sec', 'secs', 'second', 'seconds']],
  [60_000, ['m', 'min', 'mins', 'minute', 'minutes']],
  [3_600_000, ['h', 'hr', 'hrs', 'hour', 'hours']],
  [86_400_000, ['d', 'day', 'days']],
  [604_800_000, ['w', 'wk', 'week', 'weeks']],
] as const) {
  for (const n of names) UNIT_MS[n] = ms;
}

/** Longest accepted target: a year, which also bounds every loop in the arithmetic. */
const MAX_DURATION_MS = 366 * 86_400_000;
const MAX_BUSINESS_DAYS = 260;

const BUSINESS_DAYS_RE = /^(\d+(?:\.\d+)?)\s*(?:bd|business[\s-]*days?|working[\s-]*days?)$/;
const ISO_RE = /^p(?:(\d+(?:\.\d+)?)w)?(?:(\d+(?:\.\d+)?)d)?(?:t(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?)?$/;
const PART_RE = /(\d+(?:\.\d+)?)\s*([a-z]+)/g;

function parseIso(s: string): number | undefined {
  const m = ISO_RE.exec(s);
  if (!m || s === 'p' || s.endsWith('t')) return undefined;
  const [w = 0, d = 0, h = 0, min = 0, sec = 0] = m.slice(1).map((v) => Number(v ?? 0));
  return w * UNIT_MS.w! + d * UNIT_MS.d! + h * UNIT_MS.h! + min * UNIT_MS.m! + sec * 1000;
}

function parseUnits(s: string): number | undefined {
  let total = 0;
  let covered = '';
  for (const [whole, amount, unit] of s.matchAll(PART_RE)) {
    const ms = UNIT_MS[unit!];
    if (ms === undefined) return undefined;
    total += Number(amount) * ms;
    covered += whole;
  }
  return covered.replace(/\s+/g, '') === s.replace(/\s+/g, '') && covered !== '' ? total : undefined;
}

/**
 * Parses a target: "90s", "15m", "4h", "1h30m", "1 hour 30 minutes", "2d" (24-hour days of counted
 * time), ISO 8601 "PT4H" / "P1DT2H", or whole business days "1 business day" / "3bd" / "2 working days".
 * Undefined when the text is none of these.
 */
export function parseDuration(text: string): SlaDuration | undefined {
  const s = text.trim().toLowerCase();
  const bd = BUSINESS_DAYS_RE.exec(s);
  if (bd) return { businessDays: Number(bd[1]) };
  const ms = s.startsWith('p') ? parseIso(s) : parseUnits(s);
  return ms === undefined ? undefined : { ms: Math.round(ms) };
}

const DURATION_HINT = 'e.g. 90s, 15m, 4h, 1h30m, 2d, PT4H, 3 business days';

/** Why a parsed duration is still unusable, or undefined when it is fine. */
function durationProblem(text: string, d: SlaDuration): string | undefined {
  if ('businessDays' in d) {
    if (!Number.isInteger(d.businessDays)) return `"${text}": business days must be a whole number (use hours for less, e.g. 4h)`;
    if (d.businessDays < 1 || d.businessDays > MAX_BUSINESS_DAYS) return `"${text}": business days must be between 1 and ${MAX_BUSINESS_DAYS}`;
    return undefined;
  }
  if (d.ms < 1000) return `"${text}" is shorter than one second`;
  if (d.ms > MAX_DURATION_MS) return `"${text}" is longer than a year`;
  return undefined;
}

const durationSchema = z.unknown().transform((v, ctx): SlaDuration => {
  const fail = (message: string): never => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (typeof v === 'number') return fail(`${v} has no unit: write e.g. "${v}s", "${v}m" or "${v}h"`);
  if (typeof v !== 'string') return fail(`${JSON.stringify(v) ?? String(v)} is not a duration (${DURATION_HINT})`);
  const d = parseDuration(v);
  if (!d) return fail(`"${v}" is not a duration (${DURATION_HINT})`);
  const problem = durationProblem(v, d);
  return problem ? fail(problem) : d;
});

// ---------------------------------------------------------------------------------------------------
// Calendar

const TIME_RE = /^(\d{1,2}):(\d{2})$/;

function minuteOf(text: string): number | undefined {
  const m = TIME_RE.exec(text.trim());
  if (!m) return undefined;
  const [h, min] = [Number(m[1]), Number(m[2])];
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return undefined;
  return h * 60 + min;
}

const intervalSchema = z.unknown().transform((v, ctx): WorkingInterval => {
  const [from, to, ...rest] = typeof v === 'string' ? v.split(/\s*[-–]\s*/) : [];
  const a = from === undefined ? undefined : minuteOf(from);
  const b = to === undefined ? undefined : minuteOf(to);
  if (a === undefined || b === undefined || rest.length > 0) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is not working hours like "09:00-18:00"` });
    return z.NEVER;
  }
  if (b <= a) {
    // A night shift crossing midnight is two intervals: "22:00-24:00" today and "00:00-06:00" tomorrow.
    ctx.addIssue({ code: 'custom', message: `"${String(v)}": the end must be after the start (split a shift across midnight into 22:00-24:00 and 00:00-06:00)` });
    return z.NEVER;
  }
  return [a, b];
});

/** A day's hours: a list of intervals, one interval as a string, or "closed". */
const hoursSchema = z
  .preprocess((v) => (v === 'closed' || v === null ? [] : typeof v === 'string' ? [v] : v), z.array(intervalSchema))
  .transform((intervals, ctx): WorkingInterval[] => {
    const sorted = [...intervals].sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]![0] < sorted[i - 1]![1]) ctx.addIssue({ code: 'custom', message: 'working intervals overlap' });
    }
    return sorted;
  });

const dateSchema = z.unknown().transform((v, ctx): string => {
  const iso = v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : typeof v === 'string' ? v.trim() : '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const real = m !== null && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().startsWith(iso);
  if (!real) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v) ?? String(v)} is not a date (YYYY-MM-DD)` });
    return z.NEVER;
  }
  return iso;
});

/** A holiday: a date (closed all day), or `{ date, name?, hours? }` where hours make it a half day. */
const holidaySchema = z.preprocess(
  (v) => (typeof v === 'string' || v instanceof Date ? { date: v } : v),
  z.strictObject({ date: dateSchema, name: z.string().trim().min(1).optional(), hours: hoursSchema.optional() }),
);

const DAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const timeZoneSchema = z.string({ error: (iss) => (iss.input === undefined ? 'is required: an IANA time zone, e.g. Asia/Shanghai' : 'must be an IANA time zone name') }).transform((tz, ctx) => {
  if (!isValidTimeZone(tz)) {
    ctx.addIssue({ code: 'custom', message: `"${tz}" is not an IANA time zone (e.g. Asia/Shanghai, Europe/London, UTC)` });
    return z.NEVER;
  }
  return tz;
});

const calendarSchema = z.strictObject(
  {
    timeZone: timeZoneSchema,
    hours: z.strictObject(Object.fromEntries(DAY_KEYS.map((d) => [d, hoursSchema.optional()])) as Record<(typeof DAY_KEYS)[number], z.ZodOptional<typeof hoursSchema>>).optional(),
    holidays: z.array(holidaySchema).optional(),
  },
  { error: (iss) => (iss.input === undefined ? 'is required: at least { timeZone: Asia/Shanghai }' : undefined) },
);

// ---------------------------------------------------------------------------------------------------
// Policy

const targetsSchema = z.strictObject({ firstResponse: durationSchema.optional(), resolution: durationSchema.optional(), businessHours: z.boolean().optional() });
const perPrioritySchema = z.strictObject(Object.fromEntries(SLA_PRIORITIES.map((p) => [p, targetsSchema.optional()])) as Record<SlaPriority, z.ZodOptional<typeof targetsSchema>>);

const policySchema = z.strictObject({
  warningThreshold: z.number().gt(0, 'must be a fraction between 0 and 1 (0.8 = 80%)').lt(1, 'must be a fraction between 0 and 1 (0.8 = 80%)').optional(),
  level3After: z.number().min(0, 'must be a fraction of the resolution target (0.5 = 50%)').max(10, 'must be at most 10 (1000% of the resolution target)').optional(),
  calendar: calendarSchema,
  priorities: perPrioritySchema.optional(),
  categories: z.record(z.string(), perPrioritySchema).optional(),
});

type RawPolicy = z.infer<typeof policySchema>;
type RawTargets = z.infer<typeof targetsSchema>;
type Issue = { path: readonly PropertyKey[]; message: string };

/** Keeps only the fields that were written, so an override's spread cannot blank out a base value. */
function written(t: RawTargets | undefined): Partial<SlaTargets> {
  const out: Partial<SlaTargets> = {};
  if (t?.firstResponse) out.firstResponse = t.firstResponse;
  if (t?.resolution) out.resolution = t.resolution;
  if (t?.businessHours !== undefined) out.businessHours = t.businessHours;
  return out;
}

function buildCalendar(raw: RawPolicy['calendar'], issues: Issue[]): BusinessCalendar {
  const week = raw.hours ? DAY_KEYS.map((d) => raw.hours?.[d] ?? []) : DEFAULT_WEEK;
  const exceptions: Record<string, CalendarException> = {};
  (raw.holidays ?? []).forEach((h, i) => {
    if (Object.hasOwn(exceptions, h.date)) issues.push({ path: ['calendar', 'holidays', i, 'date'], message: `${h.date} is listed twice` });
    exceptions[h.date] = { ...(h.name ? { name: h.name } : {}), hours: h.hours ?? [] };
  });
  const calendar: BusinessCalendar = { timeZone: raw.timeZone, week, exceptions };
  if (!hasWorkingTime(calendar)) issues.push({ path: ['calendar', 'hours'], message: 'no working hours on any day of the week' });
  return calendar;
}

/** Business days have no meaning on a clock that runs around the clock: say where the clash is. */
function checkBasis(targets: SlaTargets, written: Partial<SlaTargets>, at: readonly PropertyKey[], priority: SlaPriority, issues: Issue[]): void {
  if (targets.businessHours) return;
  for (const key of ['firstResponse', 'resolution'] as const) {
    if (!('businessDays' in targets[key])) continue;
    const blame = written[key] ? key : 'businessHours';
    issues.push({ path: [...at, blame], message: `${key} counts business days, but ${priority} runs around the clock here (businessHours: false): use hours, or businessHours: true` });
  }
}

/** Labels that would reach Object.prototype when used as keys. */
const RESERVED_LABELS = new Set(['__proto__', 'constructor', 'prototype']);

/** Twenty years: far inside the arithmetic's 40-year loop bound, far beyond any sane target. */
const MAX_REACH_WEEKS = 20 * 52;

/**
 * A target plus its level-3 margin must fit in twenty years of the calendar's working time; otherwise
 * a sparse calendar (one hour a week) with a long target would make a workflow's arithmetic give up.
 */
function checkReach(calendar: BusinessCalendar, targets: SlaTargets, level3After: number, at: readonly PropertyKey[], issues: Issue[]): void {
  if (!targets.businessHours || !hasWorkingTime(calendar)) return;
  const dayMs = calendar.week.map((d) => d.reduce((sum, [a, b]) => sum + (b - a) * 60_000, 0));
  const weekMs = dayMs.reduce((x, y) => x + y, 0);
  for (const key of ['firstResponse', 'resolution'] as const) {
    const d = targets[key];
    const amount = 'ms' in d ? d.ms : d.businessDays * Math.max(...dayMs);
    if ((amount * (1 + level3After)) / weekMs > MAX_REACH_WEEKS) {
      issues.push({ path: [...at, key], message: `with level 3 at +${level3After * 100}%, this target needs more than 20 years of the calendar's working hours` });
    }
  }
}

function buildPolicy(raw: RawPolicy, source: string, issues: Issue[]): SlaPolicy {
  const calendar = buildCalendar(raw.calendar, issues);
  const level3After = raw.level3After ?? DEFAULT_LEVEL3_AFTER;
  const priorities = {} as Record<SlaPriority, SlaTargets>;
  for (const p of SLA_PRIORITIES) {
    const own = written(raw.priorities?.[p]);
    priorities[p] = { ...DEFAULT_SLA_TARGETS[p], ...own };
    checkBasis(priorities[p], own, ['priorities', p], p, issues);
    checkReach(calendar, priorities[p], level3After, ['priorities', p], issues);
  }
  const categories: Record<string, Partial<Record<SlaPriority, Partial<SlaTargets>>>> = {};
  for (const [label, perPriority] of Object.entries(raw.categories ?? {})) {
    if (label.trim() === '' || RESERVED_LABELS.has(label)) {
      issues.push({ path: ['categories', label], message: `${JSON.stringify(label)} cannot be a category label` });
      continue;
    }
    const overrides: Partial<Record<SlaPriority, Partial<SlaTargets>>> = {};
    for (const p of SLA_PRIORITIES) {
      if (!perPriority[p]) continue;
      overrides[p] = written(perPriority[p]);
      const effective = { ...priorities[p], ...overrides[p] };
      checkBasis(effective, overrides[p], ['categories', label, p], p, issues);
      checkReach(calendar, effective, level3After, ['categories', label, p], issues);
    }
    categories[label] = overrides;
  }
  return {
    source,
    warningThreshold: raw.warningThreshold ?? DEFAULT_WARNING_THRESHOLD,
    level3After,
    calendar,
    priorities,
    categories,
  };
}

function failure(source: string, issues: readonly Issue[]): Error {
  const lines = issues.map((i) => `${source}: ${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
  return new Error(lines.join('\n'));
}

/**
 * Validates the text of a policy file (YAML, or JSON, which is YAML too) and resolves it. `source`
 * names the file in error messages: `sla-policy.yml: priorities.P2.resolution: "4 hurs" is not a duration`.
 */
export function parseSlaPolicy(text: string, source: string): SlaPolicy {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new Error(`${source}: not valid YAML or JSON: ${(err as Error).message}`);
  }
  const parsed = policySchema.safeParse(data ?? {});
  if (!parsed.success) throw failure(source, parsed.error.issues);
  const issues: Issue[] = [];
  const policy = buildPolicy(parsed.data, source, issues);
  if (issues.length > 0) throw failure(source, issues);
  return policy;
}

/**
 * Reads and validates the SLA policy at `file` (the service passes `SLA_POLICY_FILE`), or the shipped
 * defaults. Throws at start with every problem named by file and field.
 */
export function loadSlaPolicy(file: string = DEFAULT_SLA_POLICY_FILE): SlaPolicy {
  const source = path.basename(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${file}: cannot read the SLA policy: ${(err as Error).message}`);
  }
  return parseSlaPolicy(text, source);
}
