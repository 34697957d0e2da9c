import { describe, expect, it } from 'vitest';
import {
  decide,
  evolve,
  initialState,
  isAllowed,
  nextWakeAt,
  slaView,
  STATUSES,
  TIERS,
  TRANSITIONS,
  type Command,
  type ComplaintCore,
  type ComplaintEvent,
  type ComplaintStatus,
  type CommandType,
} from '../../../src/domain/complaint';
import type { SlaPolicy } from '../../../src/shared/sla-types';
import { createRng as rng } from '../../../src/nlp/prng';

const H = 3_600_000;
const M = 60_000;
const DAY = 24 * H;
const T0 = Date.UTC(2026, 0, 5, 1, 0); // a Monday

/** Around the clock, so the instants below are plain arithmetic: P1 1 h / 4 h, P3 8 h / 24 h. */
const POLICY: SlaPolicy = {
  source: 'test',
  warningThreshold: 0.8,
  level3After: 0.5,
  calendar: { timeZone: 'UTC', week: [[], [[540, 1080]], [[540, 1080]], [[540, 1080]], [[540, 1080]], [[540, 1080]], []], exceptions: {} },
  priorities: {
    P1: { firstResponse: { ms: 1 * H }, resolution: { ms: 4 * H }, businessHours: false },
    P2: { firstResponse: { ms: 4 * H }, resolution: { ms: 12 * H }, businessHours: false },
    P3: { firstResponse: { ms: 8 * H }, resolution: { ms: 24 * H }, businessHours: false },
    P4: { firstResponse: { ms: 24 * H }, resolution: { ms: 72 * H }, businessHours: false },
  },
  categories: {},
};

const sup = { subject: 'sup', role: 'supervisor' as const };
const facts = { category: 'delivery', priority: 'P3' as const, department: 'logistics', language: 'en', sla: POLICY, unassignedEscalationMs: 30 * M };

function run(s: ComplaintCore, c: Command): ComplaintCore {
  const d = decide(s, c);
  if ('refusal' in d) throw new Error(`${c.type} refused: ${d.refusal.message}`);
  return d.events.reduce(evolve, s);
}

/** One complaint in each status, reached by the ordinary path. */
function fixture(status: ComplaintStatus): ComplaintCore {
  const received = initialState(T0, 30 * DAY);
  if (status === 'received') return received;
  if (status === 'needs_attention') return run(received, { type: 'park', at: T0 + 1, stage: 'intake', failure: { type: 'X', message: 'x' } });
  const triaged = run(received, { type: 'triage', at: T0 + 1, facts });
  if (status === 'triaged') return triaged;
  if (status === 'withdrawn') return run(triaged, { type: 'withdraw', at: T0 + 2, actor: sup, reason: 'r' });
  const assigned = run(triaged, { type: 'route', at: T0 + 2, assignee: 'h1' });
  if (status === 'assigned') return assigned;
  const inProgress = run(assigned, { type: 'respond', at: T0 + 3, actor: sup, text: 'hi' });
  if (status === 'in_progress') return inProgress;
  if (status === 'pending_customer') return run(inProgress, { type: 'awaitCustomer', at: T0 + 4, actor: sup, question: 'q?' });
  const resolved = run(run(inProgress, { type: 'resolve', at: T0 + 5, actor: sup, resolution: 'done' }), { type: 'inviteSurvey', at: T0 + 6, nonce: 'n1' });
  if (status === 'resolved') return resolved;
  return run(resolved, { type: 'close', at: T0 + 7 });
}

/** A valid command of each type, as a person or the workflow would send it. */
function command(type: CommandType, at: number): Command {
  const c: Record<CommandType, Command> = {
    assign: { type, at, actor: sup, handlerId: 'h2', reason: 'r' },
    escalate: { type, at, actor: sup, reason: 'r' },
    reprioritize: { type, at, actor: sup, priority: 'P1', reason: 'r' },
    recategorize: { type, at, actor: sup, category: 'billing', reason: 'r' },
    transfer: { type, at, actor: sup, department: 'billing', reason: 'r' },
    note: { type, at, actor: sup, text: 't' },
    respond: { type, at, actor: sup, text: 't' },
    awaitCustomer: { type, at, actor: sup, question: 'q' },
    customerReply: { type, at, actor: sup, text: 't' },
    resolve: { type, at, actor: sup, resolution: 'r' },
    reopen: { type, at, actor: sup, reason: 'r' },
    withdraw: { type, at, actor: sup, reason: 'r' },
    survey: { type, at, score: 4, nonce: 'n1' },
    retry: { type, at, actor: sup, reason: 'r' },
    triage: { type, at, facts },
    route: { type, at, assignee: 'h1' },
    release: { type, at, handlerId: 'h1', reason: 'r' },
    tick: { type, at },
    park: { type, at, stage: 'assignment', failure: { type: 'X', message: 'x' } },
    inviteSurvey: { type, at, nonce: 'n2' },
    expireSurvey: { type, at },
    close: { type, at },
  } as Record<CommandType, Command>;
  return c[type];
}

const OPEN = ['triaged', 'assigned', 'in_progress', 'pending_customer'];
const WORKED = ['assigned', 'in_progress', 'pending_customer'];

/**
 * The transition table, written out by hand: command → [allowed from, next status, events, clock effects,
 * who]. A change to the state machine must change this too.
 */
const PINNED: Record<CommandType, [string[], string, string[], string[], 'person' | 'system']> = {
  assign: [OPEN, 'assigned-unless-worked', ['reassigned'], [], 'person'],
  escalate: [OPEN, 'unchanged', ['escalated'], [], 'person'],
  reprioritize: [OPEN, 'unchanged', ['priority_changed'], ['reprice'], 'person'],
  recategorize: [OPEN, 'triaged-if-moved', ['recategorized'], [], 'person'],
  transfer: [OPEN, 'triaged', ['transferred'], [], 'person'],
  note: [[...OPEN, 'resolved'], 'unchanged', ['note'], [], 'person'],
  respond: [WORKED, 'in_progress', ['first_response', 'response'], ['stop-first-response', 'resume'], 'person'],
  awaitCustomer: [['assigned', 'in_progress'], 'pending_customer', ['awaiting_customer'], ['pause', 'stop-first-response'], 'person'],
  customerReply: [[...OPEN, 'resolved'], 'in_progress-if-waiting', ['customer_reply'], ['resume'], 'person'],
  resolve: [OPEN, 'resolved', ['resolved'], ['stop-resolution'], 'person'],
  reopen: [['resolved', 'closed'], 'in_progress-or-triaged', ['reopened'], ['new-cycle'], 'person'],
  withdraw: [['received', 'needs_attention', ...OPEN], 'withdrawn', ['withdrawn'], ['resume'], 'person'],
  survey: [['resolved'], 'unchanged', ['survey_answered'], [], 'person'],
  retry: [['needs_attention'], 'parked-status', ['retried'], [], 'person'],
  triage: [['received'], 'triaged', ['triaged'], [], 'system'],
  route: [['triaged'], 'assigned-if-routed', ['assigned', 'routing_deferred'], [], 'system'],
  release: [WORKED, 'triaged', ['unassigned'], [], 'system'],
  tick: [OPEN, 'unchanged', ['tier_due', 'sla_warning', 'sla_breached', 'escalated'], [], 'system'],
  park: [['received', 'triaged'], 'needs_attention', ['needs_attention'], [], 'system'],
  inviteSurvey: [['resolved'], 'unchanged', ['survey_sent'], [], 'system'],
  expireSurvey: [['resolved'], 'unchanged', ['survey_expired'], [], 'system'],
  close: [['resolved'], 'closed', ['closed'], [], 'system'],
};

/** Where each command takes the fixture complaint of each status it is allowed from (by hand). */
const NEXT: Record<CommandType, Partial<Record<ComplaintStatus, ComplaintStatus>>> = {
  assign: { triaged: 'assigned', assigned: 'assigned', in_progress: 'in_progress', pending_customer: 'pending_customer' },
  escalate: { triaged: 'triaged', assigned: 'assigned', in_progress: 'in_progress', pending_customer: 'pending_customer' },
  reprioritize: { triaged: 'triaged', assigned: 'assigned', in_progress: 'in_progress', pending_customer: 'pending_customer' },
  recategorize: { triaged: 'triaged', assigned: 'assigned', in_progress: 'in_progress', pending_customer: 'pending_customer' },
  transfer: { triaged: 'triaged', assigned: 'triaged', in_progress: 'triaged', pending_customer: 'triaged' },
  note: { triaged: 'triaged', assigned: 'assigned', in_progress: 'in_progress', pending_customer: 'pending_customer', resolved: 'resolved' },
  respond: { assigned: 'in_progress', in_progress: 'in_progress', pending_customer: 'in_progress' },
  awaitCustomer: { assigned: 'pending_customer', in_progress: 'pending_customer' },
  customerReply: { triaged: 'triaged', assigned: 'assigned', in_progress: 'in_progress', pending_customer: 'in_progress', resolved: 'resolved' },
  resolve: { triaged: 'resolved', assigned: 'resolved', in_progress: 'resolved', pending_customer: 'resolved' },
  reopen: { resolved: 'in_progress', closed: 'in_progress' },
  withdraw: { received: 'withdrawn', needs_attention: 'withdrawn', triaged: 'withdrawn', assigned: 'withdrawn', in_progress: 'withdrawn', pending_customer: 'withdrawn' },
  survey: { resolved: 'resolved' },
  retry: { needs_attention: 'received' },
  triage: { received: 'triaged' },
  route: { triaged: 'assigned' },
  release: { assigned: 'triaged', in_progress: 'triaged', pending_customer: 'triaged' },
  tick: { triaged: 'triaged', assigned: 'assigned', in_progress: 'in_progress', pending_customer: 'pending_customer' },
  park: { received: 'needs_attention', triaged: 'needs_attention' },
  inviteSurvey: { resolved: 'resolved' },
  expireSurvey: { resolved: 'resolved' },
  close: { resolved: 'closed' },
};

describe('the transition table', () => {
  it('is the table written out by hand, row by row', () => {
    const actual = Object.fromEntries(Object.entries(TRANSITIONS).map(([k, t]) => [k, [[...t.from], t.to, [...t.events], [...t.clock], t.by]]));
    expect(actual).toEqual(PINNED);
  });

  for (const type of Object.keys(PINNED) as CommandType[]) {
    it(`${type}: accepted exactly from ${Object.keys(NEXT[type]).join(', ')}, and goes where the table says`, () => {
      for (const status of STATUSES) {
        const s = fixture(status);
        expect(s.status).toBe(status);
        const d = decide(s, command(type, T0 + H));
        const expected = NEXT[type][status];
        if (expected === undefined) {
          expect(d, `${type} from ${status}`).toEqual({ refusal: { code: 'INVALID_STATE', message: `cannot ${type} a complaint that is ${status}`, status } });
          expect(isAllowed(type, status)).toBe(false);
        } else {
          if ('refusal' in d) throw new Error(`${type} from ${status} refused: ${d.refusal.message}`);
          expect(d.events.reduce(evolve, s).status, `${type} from ${status}`).toBe(expected);
          expect(PINNED[type][2]).toContain(type === 'tick' && d.events.length === 0 ? 'tier_due' : d.events[0]!.type);
        }
      }
    });
  }

  it('conditional rows: a moved category, a handler who cannot take the reopen, nobody free to route, a respond after the first', () => {
    const moved = decide(fixture('in_progress'), { type: 'recategorize', at: T0 + H, actor: sup, category: 'billing', reason: 'r', outcome: { department: 'billing', moved: true } });
    expect('events' in moved && moved.events.reduce(evolve, fixture('in_progress'))).toMatchObject({ status: 'triaged', department: 'billing', assignee: null, queuedAtMs: T0 + H });
    const reopened = run(fixture('closed'), { type: 'reopen', at: T0 + H, actor: sup, reason: 'r', handlerCanTake: false });
    expect(reopened).toMatchObject({ status: 'triaged', assignee: null, queuedAtMs: T0 + H, reopenCount: 1 });
    expect(run(fixture('triaged'), { type: 'route', at: T0 + H, assignee: null, nextShiftAt: T0 + DAY })).toMatchObject({ status: 'triaged', nextShiftAt: T0 + DAY });
    const again = decide(fixture('in_progress'), { type: 'respond', at: T0 + H, actor: sup, text: 'more' });
    expect('events' in again && again.events.map((e) => e.type)).toEqual(['response']);
    expect(run(fixture('needs_attention'), { type: 'retry', at: T0 + H, actor: sup, reason: 'r' }).status).toBe('received');
  });

  it('clock effects: respond stops the first-response clock, a question pauses, a reply resumes, resolve stops, reopen starts a new cycle, reprioritize reprices', () => {
    const asked = fixture('pending_customer');
    expect(asked.clock).toEqual({ startedAtMs: T0, firstResponseAtMs: T0 + 3, pauses: [{ fromMs: T0 + 4 }] });
    const replied = run(asked, { type: 'customerReply', at: T0 + H, actor: sup, text: 'x' });
    expect(replied.clock.pauses).toEqual([{ fromMs: T0 + 4, toMs: T0 + H }]);
    expect(run(replied, { type: 'resolve', at: T0 + 2 * H, actor: sup, resolution: 'r' }).clock.resolvedAtMs).toBe(T0 + 2 * H);
    expect(run(fixture('closed'), { type: 'reopen', at: T0 + 3 * H, actor: sup, reason: 'r' }).clock).toEqual({ startedAtMs: T0 + 3 * H, pauses: [] });
    expect(run(fixture('assigned'), { type: 'reprioritize', at: T0 + 2 * H, actor: sup, priority: 'P1', reason: 'r' }).clock.priorityChangedAtMs).toBe(T0 + 2 * H);
    // Ending a wait on the customer any other way resumes the clock too (a transfer, a resolution).
    expect(run(asked, { type: 'transfer', at: T0 + H, actor: sup, department: 'billing', reason: 'r' }).clock.pauses).toEqual([{ fromMs: T0 + 4, toMs: T0 + H }]);
  });
});

describe('refusals name the rule and the status', () => {
  const refusal = (s: ComplaintCore, c: Command) => {
    const d = decide(s, c);
    return 'refusal' in d ? d.refusal : undefined;
  };
  it('as the API shows them', () => {
    const s = fixture('assigned');
    expect(refusal(s, { type: 'note', at: T0, actor: undefined as never, text: 'x' })).toEqual({ code: 'INVALID_ARGUMENT', message: 'actor is required', status: 'assigned', field: 'actor' });
    expect(refusal(s, { type: 'note', at: T0, actor: sup, text: '  ' })).toEqual({ code: 'INVALID_ARGUMENT', message: 'text must not be empty', status: 'assigned', field: 'text' });
    expect(refusal(s, { type: 'escalate', at: T0, actor: sup, reason: 'r', level: 4 })).toEqual({ code: 'INVALID_ARGUMENT', message: 'level must be 1, 2 or 3', status: 'assigned', field: 'level' });
    const escalated = run(s, { type: 'escalate', at: T0, actor: sup, reason: 'r', level: 2 });
    expect(refusal(escalated, { type: 'escalate', at: T0, actor: sup, reason: 'r', level: 1 })).toEqual({ code: 'INVALID_STATE', message: 'already at escalation level 2', status: 'assigned' });
    expect(refusal(s, { type: 'reprioritize', at: T0, actor: sup, reason: 'r', priority: 'P3' })).toMatchObject({ code: 'INVALID_ARGUMENT', message: 'already P3', field: 'priority' });
    expect(refusal(s, { type: 'reprioritize', at: T0, actor: sup, reason: 'r', priority: 'P9' as never })).toMatchObject({ message: 'priority must be P1, P2, P3 or P4' });
    expect(refusal(s, { type: 'recategorize', at: T0, actor: sup, reason: 'r', category: 'delivery' })).toMatchObject({ message: 'already delivery', field: 'category' });
    expect(refusal(s, { type: 'transfer', at: T0, actor: sup, reason: 'r', department: 'logistics' })).toMatchObject({ message: 'already in department logistics', field: 'department' });
    const resolved = fixture('resolved');
    expect(refusal(resolved, { type: 'survey', at: T0, score: 3, nonce: 'other' })).toEqual({ code: 'INVALID_STATE', message: 'this survey link is no longer valid', status: 'resolved' });
    expect(refusal(resolved, { type: 'survey', at: T0, score: 6, nonce: 'n1' })).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'score' });
    const answered = run(resolved, { type: 'survey', at: T0, score: 5, nonce: 'n1' });
    expect(refusal(answered, { type: 'survey', at: T0, score: 5, nonce: 'n1' })).toMatchObject({ code: 'INVALID_STATE', message: 'this survey was already answered' });
  });

  it('a closed complaint is reopened within its window, and refused after it', () => {
    const closed = fixture('closed');
    expect(closed.closedAtMs).toBe(T0 + 7);
    expect(refusal(closed, { type: 'reopen', at: T0 + 7 + 30 * DAY, actor: sup, reason: 'r' })).toBeUndefined();
    expect(refusal(closed, { type: 'reopen', at: T0 + 8 + 30 * DAY, actor: sup, reason: 'r' })).toEqual({ code: 'INVALID_STATE', message: 'the reopen window has passed: submit a new complaint instead', status: 'closed' });
  });
});

describe('SLA planning', () => {
  it('P1 around the clock: warning at 80 %, breach and level 1 at the first-response deadline, level 2 and 3 on resolution', () => {
    let s = run(fixture('assigned'), { type: 'reprioritize', at: T0 + 2, actor: sup, priority: 'P1', reason: 'r' });
    expect(nextWakeAt(s, T0 + 2, 5 * M)).toBe(T0 + 48 * M);
    const tick = (at: number): ComplaintEvent[] => {
      const d = decide(s, { type: 'tick', at });
      if ('refusal' in d) throw new Error(d.refusal.message);
      s = d.events.reduce(evolve, s);
      return d.events;
    };
    expect(tick(T0 + 47 * M)).toEqual([]);
    expect(tick(T0 + 48 * M).map((e) => [e.type, e.data])).toEqual([
      ['tier_due', { tier: 'warn-first' }],
      ['sla_warning', { target: 'first response', dueAt: new Date(T0 + H).toISOString() }],
    ]);
    expect(nextWakeAt(s, T0 + 48 * M, 5 * M)).toBe(T0 + H);
    expect(tick(T0 + H).map((e) => e.type)).toEqual(['tier_due', 'sla_breached', 'escalated']);
    expect(s).toMatchObject({ breached: true, level: 1, fired: ['warn-first', 'breach-first'] });
    // Resolution: warning at 3.2 h, breach (level 2, no second sla_breached) at 4 h, level 3 at 6 h.
    expect(tick(T0 + 6 * H).map((e) => [e.type, (e.data as { level?: number }).level])).toEqual([
      ['tier_due', undefined],
      ['sla_warning', undefined],
      ['tier_due', undefined],
      ['escalated', 2],
      ['tier_due', undefined],
      ['escalated', 3],
    ]);
    expect(nextWakeAt(s, T0 + 6 * H, 5 * M)).toBeUndefined();
    expect(slaView(s, T0 + 6 * H)).toMatchObject({ breached: true, escalationLevel: 3, resolutionDueAt: new Date(T0 + 4 * H).toISOString() });
  });

  it('the unassigned escalation fires once at queued + delay; the queue re-checks meanwhile; a reopen into the queue arms it again', () => {
    let s = fixture('triaged');
    expect(nextWakeAt(s, T0 + 1, 5 * M)).toBe(T0 + 1 + 5 * M);
    expect(nextWakeAt(s, T0 + 26 * M, 5 * M)).toBe(T0 + 1 + 30 * M);
    const d = decide(s, { type: 'tick', at: T0 + 1 + 30 * M });
    expect('events' in d && d.events.map((e) => [e.type, e.data])).toEqual([
      ['tier_due', { tier: 'unassigned' }],
      ['escalated', { level: 1, reason: 'unassigned_too_long' }],
    ]);
    s = 'events' in d ? d.events.reduce(evolve, s) : s;
    s = run(s, { type: 'route', at: T0 + H, assignee: 'h1' });
    s = run(s, { type: 'resolve', at: T0 + 2 * H, actor: sup, resolution: 'r' });
    s = run(s, { type: 'close', at: T0 + 3 * H });
    s = run(s, { type: 'reopen', at: T0 + 4 * H, actor: sup, reason: 'r', handlerCanTake: false });
    expect(s).toMatchObject({ status: 'triaged', fired: [], queuedAtMs: T0 + 4 * H, unassignedEscalationMs: 30 * M, sla: POLICY });
    expect(nextWakeAt(s, T0 + 4 * H + 29 * M, 60 * M)).toBe(T0 + 4 * H + 30 * M);
  });
});


const TYPES = Object.keys(PINNED) as CommandType[];

function randomCommand(r: () => number, s: ComplaintCore, at: number): Command {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const text = () => pick(['x', 'a reason', '', '  ']);
  const type = pick(TYPES);
  const actor = r() < 0.03 ? (undefined as never) : sup;
  const base = command(type, at);
  switch (type) {
    case 'assign':
      return { ...base, actor, handlerId: pick(['h1', 'h2', '']), reason: text() } as Command;
    case 'escalate':
      return { ...base, actor, reason: text(), level: pick([undefined, 0, 1, 2, 3, 4, 1.5]) } as Command;
    case 'reprioritize':
      return { ...base, actor, priority: pick(['P1', 'P2', 'P3', 'P4', 'P5']), reason: text() } as Command;
    case 'recategorize': {
      const moved = r() < 0.5;
      return { ...base, actor, category: pick(['delivery', 'billing', 'other']), reason: text(), outcome: { moved, department: moved ? pick(['billing', 'quality']) : (s.department ?? '') } } as Command;
    }
    case 'transfer':
      return { ...base, actor, department: pick(['billing', 'logistics', 'quality']), reason: text(), outcome: { category: pick(['billing', undefined]) } } as Command;
    case 'survey':
      return { type, at, score: pick([0, 1, 2, 4, 5, 3.5]), nonce: r() < 0.8 ? (s.survey?.nonce ?? 'n?') : 'stale' };
    case 'reopen':
      return { ...base, actor, reason: text(), handlerCanTake: r() < 0.7 } as Command;
    case 'route':
      return { type, at, assignee: pick(['h1', 'h2', null]), nextShiftAt: r() < 0.3 ? at + DAY : undefined };
    case 'release':
      return { type, at, handlerId: pick(['h1', 'h2']), reason: 'deactivated' };
    case 'inviteSurvey':
      return { type, at, nonce: `n${Math.floor(r() * 1e6)}` };
    case 'triage':
      return { type, at, facts: { ...facts, priority: pick(['P1', 'P2', 'P3', 'P4'] as const), needsHumanTriage: r() < 0.2 } };
    default:
      return 'actor' in base ? ({ ...base, actor } as Command) : base;
  }
}

/** What must hold of every state a complaint can reach. */
function consistent(s: ComplaintCore): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => ok || problems.push(what);
  check((STATUSES as readonly string[]).includes(s.status), `unknown status ${s.status}`);
  check(!WORKED.includes(s.status) || (typeof s.assignee === 'string' && s.assignee !== ''), `${s.status} without an assignee`);
  check(s.status !== 'triaged' || !s.assignee, 'in the queue with an assignee');
  check(Number.isInteger(s.level) && s.level >= 0 && s.level <= 3, `level ${s.level}`);
  check(!s.breached || s.level >= 1, 'breached but not escalated');
  check(new Set(s.fired).size === s.fired.length && s.fired.every((t) => (TIERS as readonly string[]).includes(t)), `fired ${s.fired.join()}`);
  const open = s.clock.pauses.filter((p) => p.toMs === undefined);
  check(open.length === (s.status === 'pending_customer' ? 1 : 0), `${open.length} open pauses while ${s.status}`);
  check(s.clock.pauses.every((p) => p.toMs === undefined || p.toMs >= p.fromMs), 'a pause ends before it starts');
  check((s.closedAtMs !== undefined) === (s.status === 'closed'), `closedAtMs ${s.closedAtMs} while ${s.status}`);
  check((s.parked !== undefined) === (s.status === 'needs_attention'), `parked ${JSON.stringify(s.parked)} while ${s.status}`);
  check(s.survey === undefined || s.status === 'resolved' || s.status === 'closed', `a survey while ${s.status}`);
  check((s.clock.resolvedAtMs !== undefined) === (s.status === 'resolved' || s.status === 'closed'), `resolution clock ${s.clock.resolvedAtMs} while ${s.status}`);
  check(![...OPEN, 'resolved', 'closed'].includes(s.status) || (!!s.priority && !!s.sla && !!s.department), `${s.status} without triage`);
  check(s.reopenCount >= 0, 'negative reopen count');
  return problems;
}

describe('no sequence of commands reaches an undefined or inconsistent state', () => {
  it('5,000 seeded random sequences of up to 60 commands each', () => {
    let accepted = 0;
    let refused = 0;
    const reached = new Set<string>();
    for (let seed = 1; seed <= 5000; seed++) {
      const r = rng(seed);
      let s = initialState(T0, r() < 0.5 ? 30 * DAY : 2 * DAY);
      let at = T0;
      const steps = 1 + Math.floor(r() * 60);
      for (let i = 0; i < steps; i++) {
        at += Math.floor(r() * r() * 3 * DAY);
        const c = randomCommand(r, s, at);
        const before = JSON.stringify(s);
        const d = decide(s, c);
        if (JSON.stringify(s) !== before) throw new Error(`decide changed the state (seed ${seed}, step ${i})`);
        if ('refusal' in d) {
          refused++;
          if (!['INVALID_STATE', 'INVALID_ARGUMENT'].includes(d.refusal.code) || d.refusal.status !== s.status) throw new Error(`odd refusal ${JSON.stringify(d.refusal)} (seed ${seed})`);
          // A command the table does not allow is refused as such (once its actor is known).
          if (!isAllowed(c.type, s.status) && 'actor' in c && c.actor && d.refusal.message !== `cannot ${c.type} a complaint that is ${s.status}`) throw new Error(`${c.type} from ${s.status}: ${d.refusal.message} (seed ${seed})`);
          continue;
        }
        accepted++;
        if (!isAllowed(c.type, s.status)) throw new Error(`${c.type} accepted from ${s.status} (seed ${seed})`);
        for (const e of d.events) {
          if (!(TRANSITIONS[c.type].events as readonly string[]).includes(e.type)) throw new Error(`${c.type} recorded ${e.type} (seed ${seed})`);
          s = evolve(s, e);
        }
        const problems = consistent(s);
        if (problems.length > 0) expect(problems, `after ${c.type} (seed ${seed}, step ${i})`).toEqual([]);
        // Continue-as-new carries the state as JSON: nothing may be lost on the way.
        if (i % 16 === 0) expect(JSON.parse(JSON.stringify(s))).toEqual(s);
        reached.add(s.status);
      }
    }
    // The generator exercises the machine, not only its refusals.
    expect(accepted).toBeGreaterThan(10_000);
    expect(refused).toBeGreaterThan(20_000);
    expect([...reached].sort()).toEqual([...STATUSES].sort());
  });

  it('evolve never changes the state it is given', () => {
    const s = fixture('pending_customer');
    const frozen = JSON.stringify(s);
    evolve(s, { type: 'customer_reply', at: T0 + H, actor: sup, status: 'in_progress', data: { text: 'x' } });
    evolve(s, { type: 'tier_due', at: T0 + H, actor: sup, data: { tier: 'warn-first' } });
    expect(JSON.stringify(s)).toBe(frozen);
  });
});
