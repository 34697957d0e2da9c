import type { Db } from '../db/client';
import { getComplaint } from '../db/queries/complaints';
import type { ComplaintRow } from '../db/schema';
import { complaintWorkflowId, FINAL_STATUSES } from '../shared/constants';
import { isOneOf } from '../shared/one-of';
import type { Actor, ComplaintState } from '../shared/types';
import { agentSees, type AgentScopes } from './agent-scope';
import type { Engine } from './engine';
import { AppError } from './errors';
import { rowFromWorkflowInput } from './views';

export type ComplaintLookup = (id: string, actor: Actor) => Promise<{ row: ComplaintRow; live?: ComplaintState }>;

/** Integrators see only the complaints they submitted; to them anyone else's does not exist. */
const visibleTo = (row: ComplaintRow, actor: Actor): boolean => actor.role !== 'integrator' || row.submittedBy === actor.subject;

/**
 * Finds a complaint: the read-model row, with the live workflow state when it is still running, or the
 * workflow's own copy while the first write is in flight. 404 for what does not exist or is not yours
 * (an integrator's own submissions; an agent's department or own complaints, see agent-scope.ts).
 */
export function createComplaintLookup(db: Db, engine: Engine, agents: AgentScopes): ComplaintLookup {
  return async (id, actor) => {
    let row = await getComplaint(db, id);
    const live = !row || !isOneOf(FINAL_STATUSES, row.status) ? await engine.state(id) : undefined;
    // Read the row again after the query: a query waits for the workflow task in progress, whose local
    // activities write the row first, so the row read now is at least as new as the live state.
    if (live) row = (await getComplaint(db, id)) ?? row;
    const found = row ?? (live?.input ? rowFromWorkflowInput(live.input, complaintWorkflowId(id)) : undefined);
    if (!found || !visibleTo(found, actor)) throw new AppError('NOT_FOUND', `No complaint ${id}.`);
    const scope = await agents.of(actor);
    if (scope && !agentSees(scope, { department: live?.department ?? found.department, assignee: live?.assignee ?? found.assignee })) throw new AppError('NOT_FOUND', `No complaint ${id}.`);
    return { row: found, live };
  };
}
