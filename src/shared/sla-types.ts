/**
 * Plain-data shapes of the SLA policy and clock. Everything here is JSON-serialisable on purpose: the
 * resolved policy travels into the complaint workflow as input and is recorded in its history, so it
 * may hold no functions, Maps, Dates or class instances.
 */

import type { Priority } from '../domain/complaint/vocabulary';

/** The SLA's priorities are the complaint's. */
export type SlaPriority = Priority;

/** A working interval within one local day, in minutes after local midnight: `[540, 1080]` is 09:00–18:00. */
export type WorkingInterval = readonly [startMinute: number, endMinute: number];

/** A date whose hours differ from the weekly pattern. */
export interface CalendarException {
  /** Shown to people ("National Day"); never used in arithmetic. */
  name?: string;
  /** The working intervals on that date instead of the weekday's: empty for a holiday, shorter for a half day. */
  hours: readonly WorkingInterval[];
}

export interface BusinessCalendar {
  /** IANA zone in which the working hours are wall-clock times. */
  timeZone: string;
  /** Seven entries, index 0 = Sunday … 6 = Saturday (as `Date#getUTCDay`); an empty list is a closed day. */
  week: readonly (readonly WorkingInterval[])[];
  /** `YYYY-MM-DD` (a date in the calendar's zone) → the hours that replace the weekday's on that date. */
  exceptions: Readonly<Record<string, CalendarException>>;
}

/**
 * A target as written in the policy. `ms` counts time in the target's own basis (working time, or
 * around the clock); `businessDays` means "the same time on the n-th following working day", see
 * `addBusinessDays` in business-time.ts.
 */
export type SlaDuration = { ms: number } | { businessDays: number };

export interface SlaTargets {
  firstResponse: SlaDuration;
  resolution: SlaDuration;
  /** True: only the calendar's working time counts. False: around the clock (P1 by default). */
  businessHours: boolean;
}

/** The resolved, validated SLA policy. */
export interface SlaPolicy {
  /** File the policy came from (for messages); the shipped defaults say so. */
  source: string;
  /** Fraction of a target after which the handler is warned (0.8). */
  warningThreshold: number;
  /** Level 3 fires when this fraction of the resolution target has passed after the resolution breach (0.5). */
  level3After: number;
  calendar: BusinessCalendar;
  priorities: Readonly<Record<SlaPriority, SlaTargets>>;
  /** Category label → per-priority partial overrides of the priority's targets. */
  categories: Readonly<Record<string, Partial<Record<SlaPriority, Partial<SlaTargets>>>>>;
}

/** A stretch of time waiting on the customer; an open pause has no `toMs` yet. */
export interface SlaPause {
  fromMs: number;
  toMs?: number;
}

/** What the workflow records about a complaint's SLA clock; deadlines are always derived from it. */
export interface SlaClock {
  /** When the clock started (the complaint was received). */
  startedAtMs: number;
  /** Waiting-on-customer stretches, in any order; overlaps are merged. */
  pauses: readonly SlaPause[];
  /** The first agent response: stops the first-response clock. */
  firstResponseAtMs?: number;
  /** Resolution: stops the resolution clock. */
  resolvedAtMs?: number;
  /** The last priority change: no deadline is placed before it (see computeDeadlines). */
  priorityChangedAtMs?: number;
}

/** Where one target stands. Instants are epoch ms; `null` while an open pause holds the clock before them. */
export interface SlaTargetStatus {
  /** The target as an amount of counted time (working time, or wall time around the clock). */
  targetMs: number;
  warningAt: number | null;
  dueAt: number | null;
  /** Counted time consumed up to now (or up to the stop: response / resolution), pauses excluded. */
  elapsedMs: number;
  /** `targetMs - elapsedMs`; negative once overdue. */
  remainingMs: number;
  /** The target was missed: its stop came after `dueAt`, or it is still running and `dueAt` has passed. */
  breached: boolean;
  /** The clock for this target has stopped (responded / resolved). */
  stopped: boolean;
}

export interface SlaDeadlines {
  priority: SlaPriority;
  category?: string;
  businessHours: boolean;
  firstResponse: SlaTargetStatus;
  resolution: SlaTargetStatus;
  /** Level 3 (director): `level3After` of the resolution target past the resolution breach. */
  level3At: number | null;
  /** An open pause holds the clock now. */
  paused: boolean;
  /** Wall-clock time spent paused up to now. */
  pausedMs: number;
  /** Counted time (working time, or wall time around the clock) that fell inside pauses up to now. */
  pausedCountedMs: number;
}
