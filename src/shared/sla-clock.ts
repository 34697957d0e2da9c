/**
 * SLA clocks, pure: from the policy, a complaint's priority and category, and what happened to its
 * clock (start, pauses, response, resolution, priority change), derive every instant at which
 * something falls due. The workflow re-derives them after each event and sleeps until the earliest
 * one still ahead, so its timers always agree with these rules, and replay recomputes the same values.
 *
 * Rules:
 * - Targets count time in their basis: working time of the calendar, or around the clock.
 * - Pauses (waiting on the customer) do not count. A deadline is the instant at which the target's
 *   amount of counted time has been consumed outside pauses, so a pause moves a deadline by exactly
 *   the counted time it covered: a pause overnight or over a weekend moves nothing.
 * - While a pause is open, a deadline not yet reached when the pause began is `null`: nothing can
 *   fall due until the customer answers. Deadlines already passed stay where they were.
 * - A priority change recomputes the targets from the original start with the new priority's targets
 *   (equivalently: the counted time consumed so far is kept, and what remains is the new target minus
 *   it). A deadline that lands before the change is placed at the change instead: the complaint is
 *   due, and breached, the moment it becomes urgent enough, never retroactively.
 * - Warning at `warningThreshold` of each target; level 3 when `level3After` of the resolution target
 *   has been consumed after the resolution deadline, in the same basis and also net of pauses.
 */
import { AROUND_THE_CLOCK, addBusinessTime, businessTimeBetween, durationToMs } from './business-time';
import type { BusinessCalendar, SlaClock, SlaDeadlines, SlaPolicy, SlaPriority, SlaTargetStatus, SlaTargets } from './sla-types';
import type { SlaView } from './types';

/** A half-open stretch `[from, to)`; `to` is Infinity for a stretch that has not ended. */
type Span = readonly [number, number];

/** The priority's targets with the category's overrides applied (unknown categories use the priority's). */
export function resolveTargets(policy: SlaPolicy, priority: SlaPriority, category?: string): SlaTargets {
  const base = policy.priorities[priority];
  const override = category !== undefined && Object.hasOwn(policy.categories, category) ? policy.categories[category]?.[priority] : undefined;
  return { ...base, ...override };
}

/** The calendar a target counts on. */
export const basisCalendar = (policy: SlaPolicy, businessHours: boolean): BusinessCalendar => (businessHours ? policy.calendar : AROUND_THE_CLOCK);

/** Pauses clipped to the clock's start, sorted and merged; an open pause runs to Infinity. */
function pauseSpans(clock: SlaClock): Span[] {
  const spans = clock.pauses
    .map((p): Span => [Math.max(p.fromMs, clock.startedAtMs), p.toMs ?? Number.POSITIVE_INFINITY])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const [a, b] of spans) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged;
}

/** The stretches in which the clock runs: from the start, between pauses, and after the last one. */
function activeSpans(startMs: number, pauses: readonly Span[]): Span[] {
  const active: Span[] = [];
  let from = startMs;
  for (const [a, b] of pauses) {
    if (a > from) active.push([from, a]);
    from = b;
  }
  if (Number.isFinite(from)) active.push([from, Number.POSITIVE_INFINITY]);
  return active;
}

/** The instant at which `amount` of counted time has run inside the active spans; null if a pause holds it. */
function instantAfter(cal: BusinessCalendar, active: readonly Span[], amount: number): number | null {
  let remaining = amount;
  for (const [a, b] of active) {
    if (!Number.isFinite(b)) return addBusinessTime(cal, a, remaining);
    const available = businessTimeBetween(cal, a, b);
    if (available >= remaining) return addBusinessTime(cal, a, remaining);
    remaining -= available;
  }
  return null;
}

/** Counted time inside `spans` before `untilMs`. */
function countedBefore(cal: BusinessCalendar, spans: readonly Span[], untilMs: number): number {
  return spans.reduce((sum, [a, b]) => sum + businessTimeBetween(cal, a, Math.min(b, untilMs)), 0);
}

/** Wall-clock time inside `spans` before `untilMs`. */
function wallBefore(spans: readonly Span[], untilMs: number): number {
  return spans.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, untilMs) - a), 0);
}

interface TargetInput {
  cal: BusinessCalendar;
  active: readonly Span[];
  targetMs: number;
  warningThreshold: number;
  stopAtMs: number | undefined;
  nowMs: number;
  notBeforeMs: number;
}

function targetStatus(t: TargetInput): SlaTargetStatus {
  const place = (amount: number): number | null => {
    const at = instantAfter(t.cal, t.active, amount);
    return at === null ? null : Math.max(at, t.notBeforeMs);
  };
  const dueAt = place(t.targetMs);
  const stopped = t.stopAtMs !== undefined;
  const until = t.stopAtMs ?? t.nowMs;
  const elapsedMs = countedBefore(t.cal, t.active, until);
  // Answering exactly at the deadline meets it; a clock still running at the deadline has missed it
  // (that is the instant the breach timer fires).
  const breached = dueAt !== null && (stopped ? until > dueAt : until >= dueAt);
  return {
    targetMs: t.targetMs,
    warningAt: place(Math.round(t.targetMs * t.warningThreshold)),
    dueAt,
    elapsedMs,
    remainingMs: t.targetMs - elapsedMs,
    breached,
    stopped,
  };
}

/**
 * Every SLA instant of a complaint, as of `nowMs` (which only decides what is elapsed, breached and
 * paused so far; the instants themselves depend on the clock alone). See the module comment for rules.
 */
export function computeDeadlines(policy: SlaPolicy, priority: SlaPriority, category: string | undefined, clock: SlaClock, nowMs: number): SlaDeadlines {
  const targets = resolveTargets(policy, priority, category);
  const cal = basisCalendar(policy, targets.businessHours);
  const pauses = pauseSpans(clock);
  const active = activeSpans(clock.startedAtMs, pauses);
  const budget = (d: SlaTargets['firstResponse']): number => durationToMs(d, policy.calendar, targets.businessHours, clock.startedAtMs);
  const common = { cal, active, warningThreshold: policy.warningThreshold, nowMs, notBeforeMs: clock.priorityChangedAtMs ?? Number.NEGATIVE_INFINITY };
  const firstResponse = targetStatus({ ...common, targetMs: budget(targets.firstResponse), stopAtMs: clock.firstResponseAtMs });
  const resolution = targetStatus({ ...common, targetMs: budget(targets.resolution), stopAtMs: clock.resolvedAtMs });
  const level3 = instantAfter(cal, active, Math.round(resolution.targetMs * (1 + policy.level3After)));
  return {
    priority,
    ...(category !== undefined ? { category } : {}),
    businessHours: targets.businessHours,
    firstResponse,
    resolution,
    level3At: level3 === null ? null : Math.max(level3, common.notBeforeMs),
    paused: pauses.some(([a, b]) => a <= nowMs && nowMs < b),
    pausedMs: wallBefore(pauses, nowMs),
    pausedCountedMs: countedBefore(cal, pauses, nowMs),
  };
}

/**
 * The earliest SLA instant strictly after `afterMs` among warnings, deadlines and level 3 of the
 * targets still running: what the workflow should sleep until. Undefined when nothing is ahead.
 */
export function nextSlaInstant(d: SlaDeadlines, afterMs: number): number | undefined {
  const candidates: Array<number | null> = [];
  if (!d.firstResponse.stopped) candidates.push(d.firstResponse.warningAt, d.firstResponse.dueAt);
  if (!d.resolution.stopped) candidates.push(d.resolution.warningAt, d.resolution.dueAt, d.level3At);
  const ahead = candidates.filter((t): t is number => t !== null && t > afterMs);
  return ahead.length > 0 ? Math.min(...ahead) : undefined;
}

/**
 * The SLA as the read model and GET show it: the deadlines of `clock` at `nowMs`. The workflow writes it
 * with every step, and triage writes the first one when the clock starts, so lists and queues sort by
 * the same due dates the detail view shows from the first moment.
 */
export function slaSnapshot(
  policy: SlaPolicy,
  priority: SlaPriority,
  category: string | undefined,
  clock: SlaClock,
  nowMs: number,
  state: { breached: boolean; escalationLevel: number },
): SlaView {
  const s = computeDeadlines(policy, priority, category, clock, nowMs);
  const iso = (ms?: number | null) => (ms === undefined || ms === null ? null : new Date(ms).toISOString());
  return {
    firstResponseDueAt: s.firstResponse.stopped ? null : iso(s.firstResponse.dueAt),
    resolutionDueAt: iso(s.resolution.dueAt),
    firstRespondedAt: iso(clock.firstResponseAtMs),
    pausedMs: s.pausedMs,
    ...state,
  };
}
