import { isAllowed as allowedByTable, TRANSITIONS, type PersonCommandType } from '../domain/complaint/transitions';
import type { ComplaintStatus } from '../domain/complaint/vocabulary';

/**
 * Which action is allowed from which status, as the frozen legacy workflow (workflows/complaint-legacy.ts)
 * and the API tests ask it: a view of the transition table in src/domain/complaint/transitions.ts, the
 * one place the state machine is declared.
 */
export const ACTIONS = (Object.keys(TRANSITIONS) as Array<keyof typeof TRANSITIONS>).filter((c): c is PersonCommandType => TRANSITIONS[c].by === 'person');
export type Action = PersonCommandType;

export const ALLOWED_FROM: Readonly<Record<Action, readonly ComplaintStatus[]>> = Object.fromEntries(ACTIONS.map((a): [Action, readonly ComplaintStatus[]] => [a, TRANSITIONS[a].from])) as Record<Action, readonly ComplaintStatus[]>;

/** Whether `action` may run while the complaint is `status`. */
export const isAllowed = (action: Action, status: ComplaintStatus): boolean => allowedByTable(action, status);

export { REOPEN_WINDOW_MS } from '../domain/complaint/vocabulary';
