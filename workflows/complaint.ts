import { ActivityFailure, ApplicationFailure, allHandlersFinished, condition, continueAsNew, currentUpdateInfo, patched, setHandler, upsertSearchAttributes, uuid4, workflowInfo } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { decide, evolve, initialState, isIn, isWorked, nextWakeAt, OPEN_STATUSES, REOPEN_WINDOW_MS, SYSTEM, type Command, type ComplaintCore, type ComplaintEvent } from '../src/domain/complaint';
import { parseKeyedUpdateId } from '../src/shared/idempotency';
import { storable, storableInput } from '../src/shared/text-safety';
import type { Actor, ComplaintWorkflowInput } from '../src/shared/types';
import { acts, effectsOf, io, refusalFailure, searchAttributesOf, stateView, SURVEY_WINDOW_MS, unwrap, type Effects } from './complaint-effects';
import { legacyComplaintWorkflow, type ComplaintOutcome, type ComplaintRunInput as LegacyRunInput } from './complaint-legacy';
import * as msg from './complaint.messages';

export type { ComplaintOutcome };

/** What a run hands the next one (continue-as-new): the core's state as it is, and where the step numbers are. */
export interface CoreCarry {
  state: ComplaintCore;
  seq: number;
  /** History length of the runs before this one, so a step's place in the (wft, seq) order only grows. */
  wftBase: number;
  release?: msg.ReleaseArgs;
}
export type ComplaintRunInput = LegacyRunInput & { core?: CoreCarry };

/** How often an unassigned complaint re-checks for a free handler (safety net besides wakeSignal). */
const QUEUE_RECHECK_MS = 5 * 60_000;
const SURVEY_REMINDER_MS = 24 * 3600_000;
/** Well below Temporal's 50k-event / 50 MB limits, so replays stay fast and nothing is ever cut off. */
const HISTORY_LIMIT = 5_000;
const CUSTOMER: Actor = { subject: 'customer', role: 'customer' };

/**
 * One complaint from intake to the end of its reopen window. Versions: runs started before the pure core
 * (every golden history recorded before it, complaints still running, their continuations and restarts)
 * run the frozen legacy body; a new run takes `patched('lifecycle-core')` and the shell below. From now
 * on every change is a plain `patched('<change>')` where the new behaviour begins.
 */
export async function complaintWorkflow(input: ComplaintRunInput): Promise<ComplaintOutcome> {
  if (input.reopen || input.carry || (!input.core && !patched('lifecycle-core'))) return legacyComplaintWorkflow(input);
  return complaintShell(input);
}

/**
 * The shell around the core: takes updates and its own timers as commands, asks `decide`, applies the
 * events with `evolve` and runs their effects (complaint-effects.ts) one write at a time, in step order.
 */
async function complaintShell(input: ComplaintRunInput): Promise<ComplaintOutcome> {
  let s: ComplaintCore = input.core?.state ?? initialState(Date.parse(input.receivedAt), input.reopenWindowMs ?? REOPEN_WINDOW_MS);
  let seq = input.core?.seq ?? 1;
  const wftBase = input.core?.wftBase ?? 0;
  let release = input.core?.release;
  let version = 0; // bumped on every change, so waits wake up and re-plan
  let retried: msg.RetryArgs | undefined;
  let attributesChanged = true;
  const now = (): string => new Date().toISOString(); // workflow time: deterministic on replay

  // ---- writes: one at a time, numbered when they run, ordered by (wft, seq) in the read model ----
  let writes: Promise<unknown> = Promise.resolve();
  const fx: Effects = {
    input,
    state: () => s,
    step: () => ({ complaintId: input.id, seq: ++seq, wft: wftBase + workflowInfo().historyLength }),
    serial: <T>(write: () => Promise<T>): Promise<T> => {
      const next = writes.then(write);
      writes = next.catch(() => undefined);
      return next;
    },
    rowAt: () => (fx.writtenAt = now()),
  };

  /** The state moves at once (validators and queries see it); the events' writes are queued in order. */
  const commit = (events: ComplaintEvent[]): Promise<unknown> => {
    if (events.length === 0) return Promise.resolve();
    const effects = events.map((e) => ((s = evolve(s, e)), effectsOf(e, fx)));
    version++;
    attributesChanged = true;
    return Promise.all(effects);
  };
  /** A command the core must accept: its refusal reaches the caller as INVALID_STATE / INVALID_ARGUMENT. */
  const check = (c: Command): ComplaintEvent[] => {
    const d = decide(s, c);
    if ('refusal' in d) throw refusalFailure(d.refusal);
    return d.events;
  };
  const apply = async (c: Command): Promise<msg.ActionResult> => (await commit(check(c)), result());
  /** The workflow's own step: refused means the moment passed (a person acted first), and nothing happens. */
  const tryApply = async (c: Command): Promise<void> => {
    const d = decide(s, c);
    if ('events' in d) await commit(d.events);
  };
  const result = (): msg.ActionResult => ({ id: input.id, status: s.status });

  // Search attributes are written when the workflow next waits or a handler returns: once per change.
  // Only a change is written: a queue re-check or a tick that decided nothing must not cost an upsert.
  let writtenAttributes: string | undefined;
  const flushSearchAttributes = (): void => {
    if (!attributesChanged) return;
    attributesChanged = false;
    const pairs = searchAttributesOf(s);
    const key = JSON.stringify(pairs);
    if (key === writtenAttributes) return;
    writtenAttributes = key;
    upsertSearchAttributes(pairs);
  };
  const wait = (until: () => boolean, timeoutMs?: number): Promise<boolean> => (flushSearchAttributes(), timeoutMs === undefined ? condition(until).then(() => true) : condition(until, Math.max(1, timeoutMs)));

  // ---- queries, signals, updates ----
  setHandler(msg.statusQuery, () => stateView(s, input, fx.writtenAt));
  setHandler(msg.wakeSignal, () => void version++);
  setHandler(msg.releaseSignal, (r) => {
    // Only a complaint still with that handler is released; a late or repeated signal changes nothing.
    if (s.assignee !== r.handlerId || !isWorked(s)) return;
    release = r;
    version++;
  });

  /**
   * A person's action: the validator asks the core (refused before anything reaches history); the handler
   * runs it, keeps a keyed action's outcome (Idempotency-Key) and writes the search attributes before it answers.
   */
  const human = <A>(def: UpdateDefinition<msg.ActionResult, [A]>, toCommand: (a: A) => Command, run: (c: Command, a: A) => Promise<msg.ActionResult> = apply) =>
    setHandler(
      def,
      async (a: A) => {
        try {
          const outcome = await run(toCommand(a), a);
          const keyed = parseKeyedUpdateId(currentUpdateInfo()?.id);
          if (keyed) await fx.serial(() => io.recordActionOutcome({ complaintId: input.id, ...keyed, result: outcome, at: now() }));
          return outcome;
        } finally {
          flushSearchAttributes();
        }
      },
      { validator: (a: A) => void check(toCommand(a)) },
    );
  const at = (): { at: number } => ({ at: Date.now() });
  human(msg.resolveUpdate, (a) => ({ type: 'resolve', ...at(), ...a }));
  human(msg.escalateUpdate, (a) => ({ type: 'escalate', ...at(), ...a }));
  human(msg.reprioritizeUpdate, (a) => ({ type: 'reprioritize', ...at(), ...a }));
  human(msg.noteUpdate, (a) => ({ type: 'note', ...at(), ...a }));
  human(msg.respondUpdate, (a) => ({ type: 'respond', ...at(), ...a }));
  human(msg.awaitCustomerUpdate, (a) => ({ type: 'awaitCustomer', ...at(), ...a }));
  human(msg.customerReplyUpdate, (a) => ({ type: 'customerReply', ...at(), ...a }));
  human(msg.surveyUpdate, (a) => ({ type: 'survey', ...at(), actor: CUSTOMER, ...a }));
  human(msg.assignUpdate, (a) => ({ type: 'assign', ...at(), ...a }), async (c) => {
    const [e] = check(c); // the router's check of the handler (exists, active) is the activity's: it may refuse
    if (e?.type !== 'reassigned') return result();
    await unwrap(fx.serial(() => acts.reassignComplaint({ ...fx.step(), at: fx.rowAt(), actor: e.actor, reason: e.data.reason, handlerId: e.data.handlerId, status: e.status ?? s.status })));
    // Asked again: a withdrawal or resolution that landed while the write ran stands (this one is refused).
    return apply({ ...c, ...at() });
  });
  human(msg.recategorizeUpdate, (a) => ({ type: 'recategorize', ...at(), ...a }), async (c, a) => {
    check(c);
    const r = await unwrap(fx.serial(() => acts.recategorizeComplaint({ ...fx.step(), at: fx.rowAt(), ...a })));
    return apply({ type: 'recategorize', ...at(), ...a, outcome: r });
  });
  human(msg.transferUpdate, (a) => ({ type: 'transfer', ...at(), ...a }), async (c, a) => {
    check(c);
    const r = await unwrap(fx.serial(() => acts.transferComplaint({ ...fx.step(), at: fx.rowAt(), ...a, category: s.category })));
    return apply({ type: 'transfer', ...at(), ...a, outcome: r });
  });
  human(msg.reopenUpdate, (a) => ({ type: 'reopen', ...at(), ...a }), (_c, a) => reopen(a.reason, a.actor));
  human(msg.withdrawUpdate, (a) => ({ type: 'withdraw', ...at(), ...a }), async (c) => {
    // A withdrawal that lands while intake runs waits for it: triage's result must not overwrite it.
    if (s.status === 'received') await wait(() => s.status !== 'received');
    if (s.status === 'withdrawn') return result(); // a retried withdrawal finds the first one done
    return apply({ ...c, ...at() });
  });
  human(msg.retryUpdate, (a) => ({ type: 'retry', ...at(), ...a }), async (c, a) => {
    // The corrected text replaces the stored one; any text is made storable, whatever the caller sent.
    const fix = { ...(a.body === undefined ? {} : { body: storable(a.body.trim()) }), ...(a.subject === undefined ? {} : { subject: storable(a.subject.trim()) }) };
    retried = { reason: a.reason.trim(), ...fix, actor: a.actor };
    return apply({ ...c, ...fix });
  });

  /** Back to work: back to the handler who had it only if they can take it now (active, on shift). */
  // From the survey (no caller) a refusal means a person reopened it meanwhile, and their reopen stands.
  async function reopen(reason: string, actor: Actor, caller = true): Promise<msg.ActionResult> {
    const previous = s.assignee;
    const handlerCanTake = previous ? await fx.serial(() => io.handlerCanTake(previous, Date.now())) : true;
    const c: Command = { type: 'reopen', ...at(), actor, reason, handlerCanTake };
    return caller ? apply(c) : (await tryApply(c), result());
  }

  /**
   * A step failed for good (the activity said so): parked in needs_attention, with a timeline entry and a
   * supervisor alert, until retried (returns the retry) or withdrawn (undefined). Other failures rethrow.
   */
  async function parkUntilRetried(err: unknown, stage: 'intake' | 'assignment', current: ComplaintWorkflowInput): Promise<msg.RetryArgs | undefined> {
    const cause = err instanceof ActivityFailure ? err.cause : err; // a local activity's failure arrives as itself
    if (!(cause instanceof ApplicationFailure) || !cause.nonRetryable) throw err;
    const failure = { type: cause.type ?? 'Error', message: cause.message };
    retried = undefined;
    // Refused: a person acted while the step ran (assigned or withdrew it), and that decision stands.
    const parked = decide(s, { type: 'park', ...at(), stage, failure });
    if ('refusal' in parked) return undefined;
    await commit(parked.events);
    await fx.serial(() => acts.flagNeedsAttention({ ...fx.step(), at: fx.rowAt(), input: current, stage, failure }));
    await wait(() => s.status !== 'needs_attention');
    return s.status === 'withdrawn' ? undefined : retried;
  }

  /** Intake: the complaint into the read model, triaged (the acknowledgement is the triaged event's effect). */
  async function receive(intake: ComplaintWorkflowInput): Promise<void> {
    await io.insertComplaint(intake);
    const triage = await fx.serial(() =>
      io.triageComplaint({
        ...fx.step(),
        at: fx.rowAt(),
        subject: intake.subject,
        body: intake.body,
        declaredLanguage: intake.customer.language,
        customerId: intake.customer.id,
        customerTags: intake.metadata.tags?.split(',').map((t) => t.trim()).filter(Boolean),
        receivedAt: intake.receivedAt,
      }),
    );
    const { category, priority, department, language, sla, unassignedEscalationMs } = triage;
    await tryApply({ type: 'triage', ...at(), facts: { category, priority, department, language, sla, unassignedEscalationMs, needsHumanTriage: triage.needsHumanTriage === true } });
  }

  async function tryAssign(): Promise<void> {
    try {
      const when = now();
      const r = await fx.serial(() => io.assignComplaint({ ...fx.step(), at: when, department: s.department!, category: s.category!, language: s.language ?? 'mixed' }));
      if (r.assignee) fx.writtenAt = when; // nobody free: nothing was written
      await tryApply({ type: 'route', ...at(), assignee: r.assignee, ...(r.nextShiftAt === undefined ? {} : { nextShiftAt: r.nextShiftAt }) });
    } catch (err) {
      await parkUntilRetried(err, 'assignment', input); // back in the queue (the loop tries again) or withdrawn
    }
  }

  /** Works the complaint while it is open: release, assignment, SLA tiers, and whatever people do meanwhile. */
  async function openPhase(): Promise<void> {
    while (isIn(OPEN_STATUSES, s.status)) {
      const r = release;
      release = undefined;
      if (r) await tryApply({ type: 'release', ...at(), ...r });
      if (s.status === 'triaged' && !s.needsHumanTriage) await tryAssign();
      if (isIn(OPEN_STATUSES, s.status)) await tryApply({ type: 'tick', ...at() });
      if (!isIn(OPEN_STATUSES, s.status)) break;
      const wakeAt = nextWakeAt(s, Date.now(), QUEUE_RECHECK_MS);
      const seen = version;
      const info = workflowInfo();
      if (info.continueAsNewSuggested || info.historyLength > (input.historyLimit ?? HISTORY_LIMIT)) await carryOn();
      await wait(() => version !== seen, wakeAt === undefined ? undefined : wakeAt - Date.now());
    }
  }

  /** A long-lived complaint starts a fresh history, carrying the core's state as it is. */
  async function carryOn(): Promise<never> {
    await wait(allHandlersFinished);
    await writes;
    return continueAsNew<typeof complaintWorkflow>({ ...input, core: { state: s, seq, wftBase: wftBase + workflowInfo().historyLength, ...(release ? { release } : {}) } });
  }

  /** After resolution: invite, remind, wait; a poor score reopens and escalates. Returns true when reopened. */
  async function surveyPhase(): Promise<boolean> {
    const nonce = uuid4();
    const expiresAt = new Date(Date.now() + SURVEY_WINDOW_MS).toISOString(); // the invitation's own (an effect of survey_sent)
    await tryApply({ type: 'inviteSurvey', ...at(), nonce });
    const settled = () => s.survey?.status !== 'pending' || s.status !== 'resolved';
    if (!(await wait(settled, SURVEY_REMINDER_MS))) {
      await fx.serial(() => acts.sendSurvey({ ...fx.step(), at: now(), nonce, expiresAt, reminder: true }));
      await wait(settled, SURVEY_WINDOW_MS - SURVEY_REMINDER_MS);
    }
    if (s.status !== 'resolved') return s.status !== 'withdrawn'; // reopened by hand meanwhile
    const answer = s.survey;
    if (answer?.status === 'answered' && (answer.score ?? 5) <= 2) {
      const why = `${answer.score}${answer.comment ? `: ${answer.comment}` : ''}`;
      await reopen(`survey score ${why}`, CUSTOMER, false);
      await tryApply({ type: 'escalate', ...at(), actor: SYSTEM, reason: `low satisfaction score ${why}`, level: 1 });
      return true;
    }
    await tryApply({ type: 'expireSurvey', ...at() });
    return false;
  }

  // ---- the run ----
  if (!input.core) {
    let intake: ComplaintWorkflowInput = input;
    for (;;) {
      try {
        await receive(intake);
        break;
      } catch (err) {
        const retry = await parkUntilRetried(err, 'intake', intake);
        if (!retry) break; // withdrawn while parked
        intake = storableInput({ ...intake, body: retry.body ?? intake.body, subject: retry.subject ?? intake.subject });
      }
    }
  }
  for (;;) {
    await openPhase();
    if (s.status === 'resolved' && (await surveyPhase())) continue;
    if (s.status === 'resolved') await tryApply({ type: 'close', ...at() });
    if (s.status !== 'closed') break; // withdrawn: the run ends
    // Closed: the run stays through the reopen window, so a reopen is an update on this run and keeps the
    // calendar, the escalation settings and the history. An update validated before the end finishes first.
    await wait(() => s.status !== 'closed', s.closedAtMs! + s.reopenWindowMs - Date.now());
    if (s.status === 'closed') await wait(allHandlersFinished);
    if (s.status === 'closed') break;
  }
  await wait(allHandlersFinished);
  await writes;
  return { id: input.id, status: s.status };
}
