/**
 * SLA planning, pure: which tiers of a complaint are due at an instant, when the next one falls due, and
 * when a complaint waiting in its queue escalates. Built on the deadline arithmetic of
 * src/shared/sla-clock.ts; the workflow sleeps until `nextWakeAt` and then asks `decide` to `tick`.
 */
import { computeDeadlines } from '../../shared/sla-clock';
import type { SlaDeadlines } from '../../shared/sla-types';
import type { SlaView } from '../../shared/types';
import type { ComplaintCore } from './state';
import type { Tier } from './vocabulary';

/** The complaint's deadlines as of `nowMs`, once triage has pinned a policy and a priority. */
export const deadlines = (s: ComplaintCore, nowMs: number): SlaDeadlines | undefined => (s.sla && s.priority ? computeDeadlines(s.sla, s.priority, s.category, s.clock, nowMs) : undefined);

const iso = (ms?: number | null): string | null => (ms === undefined || ms === null ? null : new Date(ms).toISOString());

/** The SLA as GET and the read model show it. */
export function slaView(s: ComplaintCore, nowMs: number): SlaView {
  const d = deadlines(s, nowMs);
  return {
    firstResponseDueAt: d?.firstResponse.stopped ? null : iso(d?.firstResponse.dueAt),
    resolutionDueAt: iso(d?.resolution.dueAt),
    firstRespondedAt: iso(s.clock.firstResponseAtMs),
    pausedMs: d?.pausedMs ?? 0,
    breached: s.breached,
    escalationLevel: s.level,
  };
}

export interface TierInstant {
  tier: Exclude<Tier, 'unassigned'>;
  /** Epoch ms; the deadline the tier belongs to for warnings (what the handler is told). */
  at: number;
  dueAt: number | null;
}

/**
 * The clock tiers of this cycle not yet fired, in firing order, with their instants. A tier whose clock
 * has stopped (responded, resolved) or is held by an open pause has no instant and is left out.
 */
export function pendingTiers(s: ComplaintCore, nowMs: number): TierInstant[] {
  const d = deadlines(s, nowMs);
  if (!d) return [];
  const first = d.firstResponse.stopped ? undefined : d.firstResponse;
  const resolution = d.resolution.stopped ? undefined : d.resolution;
  const all: Array<{ tier: TierInstant['tier']; at: number | null | undefined; dueAt: number | null }> = [
    { tier: 'warn-first', at: first?.warningAt, dueAt: first?.dueAt ?? null },
    { tier: 'breach-first', at: first?.dueAt, dueAt: first?.dueAt ?? null },
    { tier: 'warn-resolution', at: resolution?.warningAt, dueAt: resolution?.dueAt ?? null },
    { tier: 'breach-resolution', at: resolution?.dueAt, dueAt: resolution?.dueAt ?? null },
    { tier: 'level3', at: resolution && d.level3At, dueAt: resolution?.dueAt ?? null },
  ];
  return all.filter((t): t is TierInstant => t.at !== undefined && t.at !== null && !s.fired.includes(t.tier));
}

/** When a complaint waiting in its queue escalates for want of a handler, if it still will. */
export function unassignedEscalationAt(s: ComplaintCore): number | undefined {
  if (s.status !== 'triaged' || s.queuedAtMs === undefined || s.unassignedEscalationMs === undefined || s.fired.includes('unassigned')) return undefined;
  return s.queuedAtMs + s.unassignedEscalationMs;
}

/** The tiers due at `nowMs` (the unassigned escalation last), in firing order. */
export function dueTiers(s: ComplaintCore, nowMs: number): Tier[] {
  const due: Tier[] = pendingTiers(s, nowMs)
    .filter((t) => t.at <= nowMs)
    .map((t) => t.tier);
  const unassigned = unassignedEscalationAt(s);
  if (unassigned !== undefined && unassigned <= nowMs) due.push('unassigned');
  return due;
}

/**
 * When the workflow must look again, at the latest: the next tier, the unassigned escalation and, for a
 * complaint waiting in the queue for a handler, the queue re-check and the next shift start. Undefined:
 * only a message can change anything.
 */
export function nextWakeAt(s: ComplaintCore, nowMs: number, queueRecheckMs: number): number | undefined {
  const tiers = pendingTiers(s, nowMs).filter((t) => t.at > nowMs).map((t) => t.at);
  const unassigned = unassignedEscalationAt(s);
  const candidates = [...tiers, ...(unassigned !== undefined && unassigned > nowMs ? [unassigned] : [])];
  // Waiting for a supervisor's category there is no queue to re-check, only the unassigned escalation.
  if (s.status === 'triaged' && !s.needsHumanTriage) candidates.push(nowMs + queueRecheckMs, ...(s.nextShiftAt !== undefined ? [s.nextShiftAt] : []));
  return candidates.length > 0 ? Math.min(...candidates) : undefined;
}
