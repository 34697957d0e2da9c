import type { Db } from '../db/client';
import { getHandler } from '../db/queries/routing';
import type { Actor } from '../shared/types';

/** What agents may read: their department's complaints (and their own anywhere), or only their own. */
export type AgentVisibility = 'department' | 'own';

/** One agent's reach, from their handler record: the department they work in, and themselves. */
export interface AgentScope {
  handlerId: string;
  /** null with `own` visibility, or for an agent whose handler record names no department. */
  department: string | null;
}

/**
 * Agents work a department's queue, not the whole desk: they read the complaints of their department
 * (AGENT_VISIBILITY=department, the default) or only those assigned to them (`own`), and a customer's
 * contact details only on complaints assigned to them. Supervisors, auditors and admins see all;
 * integrators their own submissions (the lookup's rule).
 */
export function createAgentScope(db: Db, visibility: AgentVisibility = 'department') {
  return {
    /** The agent's scope, or undefined for any other role (no agent limit applies). */
    async of(actor: Actor): Promise<AgentScope | undefined> {
      if (actor.role !== 'agent') return undefined;
      const department = visibility === 'department' ? ((await getHandler(db, actor.subject))?.departmentId ?? null) : null;
      return { handlerId: actor.subject, department };
    },
  };
}

export type AgentScopes = ReturnType<typeof createAgentScope>;

/** Whether an agent of this scope may read a complaint in this department with this assignee. */
export const agentSees = (scope: AgentScope, c: { department: string | null; assignee: string | null }): boolean =>
  c.assignee === scope.handlerId || (scope.department !== null && c.department === scope.department);

/** Whether the caller may see the customer's name, email and phone on a complaint with this assignee. */
export const contactVisible = (actor: Actor, assignee: string | null | undefined): boolean => actor.role !== 'agent' || assignee === actor.subject;
