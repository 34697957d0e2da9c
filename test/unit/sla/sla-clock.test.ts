import { describe, expect, it } from 'vitest';
import { computeDeadlines, nextSlaInstant, resolveTargets } from '../../../src/shared/sla-clock';
import type { SlaClock, SlaDeadlines, SlaPolicy, SlaPriority } from '../../../src/shared/sla-types';
import { parseSlaPolicy } from '../../../src/sla/policy';
import { H, M, S, SHANGHAI, at, local } from './fixtures';

// March 2026 in Shanghai: Mon 2nd … Fri 6th, Mon 9th is a holiday, Mon 16th is an ordinary Monday.
const policy = parseSlaPolicy(
  `
calendar:
  timeZone: Asia/Shanghai
  holidays: [2026-03-09]
categories:
  billing:
    P2: { resolution: 8h }
  vip:
    P3: { firstResponse: 2h, resolution: 12h, businessHours: false }
`,
  'test-policy.yml',
);

const sh = at(SHANGHAI);
const shl = local(SHANGHAI);

const clockAt = (start: string, extra: Partial<SlaClock> = {}): SlaClock => ({ startedAtMs: sh(start), pauses: [], ...extra });
const pause = (from: string, to?: string): { fromMs: number; toMs?: number } => (to === undefined ? { fromMs: sh(from) } : { fromMs: sh(from), toMs: sh(to) });

/** The deadlines as local wall-clock strings, for readable expectations. */
function view(d: SlaDeadlines): Record<string, string | null> {
  return {
    frWarn: shl(d.firstResponse.warningAt),
    frDue: shl(d.firstResponse.dueAt),
    resWarn: shl(d.resolution.warningAt),
    resDue: shl(d.resolution.dueAt),
    level3: shl(d.level3At),
  };
}

const deadlines = (priority: SlaPriority, clock: SlaClock, now: string, category?: string, p: SlaPolicy = policy): SlaDeadlines =>
  computeDeadlines(p, priority, category, clock, sh(now));

describe('deadlines at triage', () => {
  it('P3 received Friday 17:00 before a Monday holiday', () => {
    const d = deadlines('P3', clockAt('2026-03-06T17:00'), '2026-03-06T17:00');
    expect(view(d)).toEqual({
      frWarn: '2026-03-10T14:24:00', // 80% of 8 h = 6 h 24 m: Fri 1 h + Tue 5 h 24 m
      frDue: '2026-03-10T16:00:00', // Fri 17–18, Mon holiday, Tue 09–16
      resWarn: '2026-03-12T11:36:00', // 80% of 27 h
      resDue: '2026-03-12T17:00:00', // 3 business days: Tue, Wed, Thu at 17:00
      level3: '2026-03-16T12:30:00', // a further 13 h 30 m of working time
    });
    expect(d.resolution.targetMs).toBe(27 * H);
    expect(d.businessHours).toBe(true);
    expect(d.paused).toBe(false);
    expect(d.pausedMs).toBe(0);
  });

  it('P2 received on a Saturday: 4 h and 1 business day count from Monday 09:00', () => {
    expect(view(deadlines('P2', clockAt('2026-03-14T10:00'), '2026-03-14T10:00'))).toEqual({
      frWarn: '2026-03-16T12:12:00',
      frDue: '2026-03-16T13:00:00',
      resWarn: '2026-03-16T16:12:00',
      resDue: '2026-03-16T18:00:00',
      level3: '2026-03-17T13:30:00',
    });
  });

  it('P1 runs around the clock, even on a Saturday night', () => {
    const d = deadlines('P1', clockAt('2026-03-14T03:00'), '2026-03-14T03:00');
    expect(view(d)).toEqual({ frWarn: '2026-03-14T03:48:00', frDue: '2026-03-14T04:00:00', resWarn: '2026-03-14T06:12:00', resDue: '2026-03-14T07:00:00', level3: '2026-03-14T09:00:00' });
    expect(d.businessHours).toBe(false);
  });

  it('P4 resolution: 5 business days skip the Monday holiday', () => {
    const d = deadlines('P4', clockAt('2026-03-03T14:00'), '2026-03-03T14:00');
    expect(shl(d.firstResponse.dueAt)).toBe('2026-03-06T11:00:00'); // 24 working hours
    expect(shl(d.resolution.dueAt)).toBe('2026-03-11T14:00:00'); // Wed, Thu, Fri, Tue, Wed
  });
});

describe('pauses (waiting on the customer)', () => {
  const start = '2026-03-02T09:00'; // P3: first response Mon 17:00, resolution Wed 18:00

  it('no pause: the baseline', () => {
    const d = deadlines('P3', clockAt(start), start);
    expect([shl(d.firstResponse.dueAt), shl(d.resolution.dueAt)]).toEqual(['2026-03-02T17:00:00', '2026-03-04T18:00:00']);
  });

  it('a pause in working hours moves every deadline by the working time it covered', () => {
    const d = deadlines('P3', clockAt(start, { pauses: [pause('2026-03-02T10:00', '2026-03-02T12:00')] }), '2026-03-03T09:00');
    expect(shl(d.firstResponse.dueAt)).toBe('2026-03-03T10:00:00');
    expect(shl(d.resolution.dueAt)).toBe('2026-03-05T11:00:00');
    expect(d.pausedMs).toBe(2 * H);
    expect(d.pausedCountedMs).toBe(2 * H);
    expect(d.paused).toBe(false);
  });

  it('a pause outside working hours consumes nothing and moves nothing', () => {
    const d = deadlines('P3', clockAt(start, { pauses: [pause('2026-03-02T19:00', '2026-03-03T08:00')] }), '2026-03-03T09:00');
    expect([shl(d.firstResponse.dueAt), shl(d.resolution.dueAt)]).toEqual(['2026-03-02T17:00:00', '2026-03-04T18:00:00']);
    expect(d.pausedMs).toBe(13 * H);
    expect(d.pausedCountedMs).toBe(0);
  });

  it('several pauses add up', () => {
    const d = deadlines('P3', clockAt(start, { pauses: [pause('2026-03-02T10:00', '2026-03-02T11:00'), pause('2026-03-02T14:00', '2026-03-02T15:00')] }), '2026-03-02T16:00');
    expect(shl(d.firstResponse.dueAt)).toBe('2026-03-03T10:00:00');
    expect(d.pausedMs).toBe(2 * H);
  });

  it('overlapping, unsorted pauses and a pause before the start are merged and clipped', () => {
    const d = deadlines('P3', clockAt(start, { pauses: [pause('2026-03-02T11:00', '2026-03-02T12:00'), pause('2026-03-02T10:00', '2026-03-02T11:30'), pause('2026-03-01T10:00', '2026-03-02T09:30')] }), '2026-03-02T13:00');
    expect(shl(d.firstResponse.dueAt)).toBe('2026-03-03T10:30:00'); // 2 h 30 m paused in working time
    expect(d.pausedMs).toBe(2.5 * H);
  });

  it('an open pause holds every deadline not yet reached: nothing falls due until the customer answers', () => {
    const clock = clockAt(start, { pauses: [pause('2026-03-02T11:00')] });
    for (const now of ['2026-03-02T11:00', '2026-03-04T12:00', '2026-03-20T12:00']) {
      const d = deadlines('P3', clock, now);
      expect(view(d)).toEqual({ frWarn: null, frDue: null, resWarn: null, resDue: null, level3: null });
      expect(d.paused).toBe(true);
      expect(d.firstResponse.elapsedMs).toBe(2 * H);
      expect(d.firstResponse.remainingMs).toBe(6 * H);
      expect(d.firstResponse.breached).toBe(false);
      expect(nextSlaInstant(d, sh(now))).toBeUndefined();
    }
    expect(deadlines('P3', clock, '2026-03-04T12:00').pausedMs).toBe(49 * H);
  });

  it('resuming continues from where the clock stopped', () => {
    const d = deadlines('P3', clockAt(start, { pauses: [pause('2026-03-02T11:00', '2026-03-04T12:00')] }), '2026-03-04T12:00');
    expect(shl(d.firstResponse.dueAt)).toBe('2026-03-04T18:00:00'); // 6 h left
    expect(shl(d.resolution.dueAt)).toBe('2026-03-10T10:00:00'); // 25 h left: Wed 6, Thu 9, Fri 9, (Mon holiday), Tue 1
  });

  it('a deadline that passed before the pause began stays passed (and breached)', () => {
    const d = deadlines('P3', clockAt(start, { pauses: [pause('2026-03-02T17:30')] }), '2026-03-03T10:00');
    expect(shl(d.firstResponse.dueAt)).toBe('2026-03-02T17:00:00');
    expect(d.firstResponse.breached).toBe(true);
    expect(d.resolution.dueAt).toBeNull();
  });

  it('around the clock, a pause moves deadlines by its wall-clock length', () => {
    const d = deadlines('P1', clockAt('2026-03-07T10:00', { pauses: [pause('2026-03-07T10:30', '2026-03-07T11:15')] }), '2026-03-07T12:00');
    expect(shl(d.resolution.dueAt)).toBe('2026-03-07T14:45:00');
    expect(d.pausedCountedMs).toBe(45 * M);
  });
});

describe('priority change mid-flight: the new targets from the original start', () => {
  const start = '2026-03-02T09:00';

  it('P4 → P3 after 2 working hours: 6 h of first response remain', () => {
    const d = deadlines('P3', clockAt(start, { priorityChangedAtMs: sh('2026-03-02T11:00') }), '2026-03-02T11:00');
    expect(shl(d.firstResponse.dueAt)).toBe('2026-03-02T17:00:00');
    expect(d.firstResponse.remainingMs).toBe(6 * H);
    expect(shl(d.resolution.dueAt)).toBe('2026-03-04T18:00:00');
  });

  it('P4 → P2 when the P2 targets have already run out: due (and breached) at the change, not before', () => {
    const d = deadlines('P2', clockAt(start, { priorityChangedAtMs: sh('2026-03-03T10:00') }), '2026-03-03T10:00');
    expect(view(d)).toEqual({
      frWarn: '2026-03-03T10:00:00',
      frDue: '2026-03-03T10:00:00',
      resWarn: '2026-03-03T10:00:00',
      resDue: '2026-03-03T10:00:00',
      level3: '2026-03-03T13:30:00', // 13.5 working hours from the start; already after the change
    });
    expect(d.firstResponse.breached).toBe(true);
    expect(d.resolution.breached).toBe(true);
    expect(d.resolution.remainingMs).toBe(-1 * H);
  });

  it('P2 → P4 (downgrade) extends the deadlines from the original start', () => {
    const d = deadlines('P4', clockAt(start, { priorityChangedAtMs: sh('2026-03-02T10:00') }), '2026-03-02T10:00');
    expect(shl(d.firstResponse.dueAt)).toBe('2026-03-04T15:00:00');
    expect(shl(d.resolution.dueAt)).toBe('2026-03-06T18:00:00'); // 5 business days = 45 working hours
  });

  it('P1 (around the clock) → P2 (business hours) on a Saturday: counts only working time from the start', () => {
    const d = deadlines('P2', clockAt('2026-03-14T10:00', { priorityChangedAtMs: sh('2026-03-14T10:30') }), '2026-03-14T10:30');
    expect([shl(d.firstResponse.dueAt), shl(d.resolution.dueAt)]).toEqual(['2026-03-16T13:00:00', '2026-03-16T18:00:00']);
  });

  it('time paused before the change stays excluded', () => {
    const d = deadlines('P3', clockAt(start, { pauses: [pause('2026-03-02T10:00', '2026-03-02T12:00')], priorityChangedAtMs: sh('2026-03-02T13:00') }), '2026-03-02T13:00');
    expect(d.firstResponse.elapsedMs).toBe(2 * H);
    expect(shl(d.firstResponse.dueAt)).toBe('2026-03-03T10:00:00');
  });
});

describe('per-category overrides', () => {
  it('billing P2 resolves in 8 working hours; its first response keeps the P2 target', () => {
    const d = deadlines('P2', clockAt('2026-03-02T09:00'), '2026-03-02T09:00', 'billing');
    expect([shl(d.firstResponse.dueAt), shl(d.resolution.dueAt)]).toEqual(['2026-03-02T13:00:00', '2026-03-02T17:00:00']);
    expect(d.category).toBe('billing');
  });

  it('only the overridden priority changes', () => {
    expect(resolveTargets(policy, 'P3', 'billing')).toEqual(policy.priorities.P3);
  });

  it('vip P3 runs around the clock with its own targets', () => {
    const d = deadlines('P3', clockAt('2026-03-06T17:00'), '2026-03-06T17:00', 'vip');
    expect([shl(d.firstResponse.dueAt), shl(d.resolution.dueAt)]).toEqual(['2026-03-06T19:00:00', '2026-03-07T05:00:00']);
    expect(d.businessHours).toBe(false);
  });

  it('an unknown category (or an Object.prototype name) uses the priority targets', () => {
    expect(resolveTargets(policy, 'P2', 'nothing-special')).toEqual(policy.priorities.P2);
    expect(resolveTargets(policy, 'P2', 'toString')).toEqual(policy.priorities.P2);
    expect(resolveTargets(policy, 'P2', '__proto__')).toEqual(policy.priorities.P2);
  });
});

describe('tiny policies for a live demonstration', () => {
  const tiny = parseSlaPolicy('calendar: { timeZone: UTC }\npriorities:\n  P2: { firstResponse: 20s, resolution: 40s, businessHours: false }\n', 'tiny.yml');

  it('fire within a minute, to the second', () => {
    const t = Date.UTC(2026, 2, 7, 23, 59, 50);
    const d = computeDeadlines(tiny, 'P2', undefined, { startedAtMs: t, pauses: [] }, t);
    expect([d.firstResponse.warningAt, d.firstResponse.dueAt, d.resolution.warningAt, d.resolution.dueAt, d.level3At].map((x) => (x === null ? null : (x - t) / S))).toEqual([16, 20, 32, 40, 60]);
  });

  it('a seconds target in business hours waits for the next opening', () => {
    const p = parseSlaPolicy('calendar: { timeZone: Asia/Shanghai }\npriorities:\n  P3: { firstResponse: 30s, resolution: 90s }\n', 'tiny.yml');
    const d = computeDeadlines(p, 'P3', undefined, clockAt('2026-03-02T17:59:45'), sh('2026-03-02T17:59:45'));
    expect(shl(d.firstResponse.dueAt)).toBe('2026-03-03T09:00:15');
    expect(shl(d.resolution.dueAt)).toBe('2026-03-03T09:01:15');
  });
});

describe('stopping the clocks and breaches', () => {
  const start = '2026-03-02T09:00';

  it('the first response stops the first-response clock', () => {
    const d = deadlines('P3', clockAt(start, { firstResponseAtMs: sh('2026-03-02T10:00') }), '2026-03-05T10:00');
    expect(d.firstResponse).toMatchObject({ stopped: true, breached: false, elapsedMs: 1 * H, remainingMs: 7 * H });
    expect(d.resolution.stopped).toBe(false);
  });

  it('answering exactly at the deadline meets it; a clock still running at the deadline has missed it', () => {
    expect(deadlines('P3', clockAt(start, { resolvedAtMs: sh('2026-03-04T18:00') }), '2026-03-05T10:00').resolution.breached).toBe(false);
    expect(deadlines('P3', clockAt(start, { resolvedAtMs: sh('2026-03-04T18:00') + 1 }), '2026-03-05T10:00').resolution.breached).toBe(true);
    expect(deadlines('P3', clockAt(start), '2026-03-04T18:00').resolution.breached).toBe(true);
    expect(computeDeadlines(policy, 'P3', undefined, clockAt(start), sh('2026-03-04T18:00') - 1).resolution.breached).toBe(false);
  });

  it('nextSlaInstant: the earliest instant ahead among the clocks still running', () => {
    const fresh = deadlines('P3', clockAt(start), start);
    expect(shl(nextSlaInstant(fresh, sh(start)) ?? null)).toBe('2026-03-02T15:24:00');
    const responded = deadlines('P3', clockAt(start, { firstResponseAtMs: sh('2026-03-02T10:00') }), '2026-03-02T10:00');
    expect(shl(nextSlaInstant(responded, sh('2026-03-02T10:00')) ?? null)).toBe('2026-03-04T12:36:00');
    expect(shl(nextSlaInstant(responded, sh('2026-03-04T18:00')) ?? null)).toBe('2026-03-06T13:30:00'); // level 3 after 40.5 working hours
    const resolved = deadlines('P3', clockAt(start, { firstResponseAtMs: sh('2026-03-02T10:00'), resolvedAtMs: sh('2026-03-02T11:00') }), '2026-03-02T11:00');
    expect(nextSlaInstant(resolved, sh('2026-03-02T11:00'))).toBeUndefined();
  });
});

describe('the policy is plain data', () => {
  it('survives a JSON round trip (workflow input) and gives the same deadlines', () => {
    const copy = JSON.parse(JSON.stringify(policy)) as SlaPolicy;
    expect(copy).toEqual(policy);
    const clock = clockAt('2026-03-06T17:00', { pauses: [pause('2026-03-10T10:00', '2026-03-10T11:00')] });
    expect(computeDeadlines(copy, 'P3', 'vip', clock, sh('2026-03-11T00:00'))).toEqual(computeDeadlines(policy, 'P3', 'vip', clock, sh('2026-03-11T00:00')));
    expect(computeDeadlines(copy, 'P4', undefined, clock, sh('2026-03-11T00:00'))).toEqual(computeDeadlines(policy, 'P4', undefined, clock, sh('2026-03-11T00:00')));
  });
});
