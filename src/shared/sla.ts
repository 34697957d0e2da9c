import { ALWAYS_OPEN, addBusinessTime, businessTimeBetween, type BusinessCalendar } from './business-calendar';

/**
 * SLA clocks, pure: given the targets for a complaint, its calendar and the pauses so far, when is each
 * warning, breach and escalation due. The workflow re-computes this after every change (pause, resume,
 * response, reopen) and sleeps until the earliest instant, so the timers always match the rules.
 */

export interface SlaTargets {
  firstResponseMs: number;
  resolutionMs: number;
  /** Counted in the calendar's working hours (true) or around the clock (false). */
  businessHours: boolean;
  /** Fraction of a target at which the handler is warned (0.8). */
  warningFraction: number;
  /** Level 3 fires this fraction of the resolution target after the resolution breach (0.5). */
  level3Fraction: number;
}

export interface SlaPause {
  fromMs: number;
  toMs?: number;
}

export interface SlaClock {
  startMs: number;
  pauses: SlaPause[];
}

export interface SlaSchedule {
  /** Undefined while the clock is paused (waiting on the customer): nothing can fall due. */
  firstResponseWarnAt?: number;
  firstResponseDueAt?: number;
  resolutionWarnAt?: number;
  resolutionDueAt?: number;
  level3At?: number;
  /** Wall-clock time spent paused so far. */
  pausedMs: number;
  paused: boolean;
}

/**
 * Working time elapsed while paused counts against nothing: each deadline moves out by exactly that
 * much working time. Time paused outside working hours moves nothing, because it consumed nothing.
 */
export function slaSchedule(calendar: BusinessCalendar, t: SlaTargets, clock: SlaClock, nowMs: number): SlaSchedule {
  const cal = t.businessHours ? calendar : ALWAYS_OPEN;
  const pausedMs = clock.pauses.reduce((sum, p) => sum + Math.max(0, (p.toMs ?? nowMs) - p.fromMs), 0);
  const paused = clock.pauses.some((p) => p.toMs === undefined);
  if (paused) return { pausedMs, paused };
  const pausedWork = clock.pauses.reduce((sum, p) => sum + businessTimeBetween(cal, p.fromMs, p.toMs!), 0);
  const at = (workMs: number): number => addBusinessTime(cal, clock.startMs, Math.round(workMs) + pausedWork);
  return {
    firstResponseWarnAt: at(t.firstResponseMs * t.warningFraction),
    firstResponseDueAt: at(t.firstResponseMs),
    resolutionWarnAt: at(t.resolutionMs * t.warningFraction),
    resolutionDueAt: at(t.resolutionMs),
    level3At: at(t.resolutionMs * (1 + t.level3Fraction)),
    pausedMs,
    paused,
  };
}
