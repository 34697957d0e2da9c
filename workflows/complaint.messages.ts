import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, ComplaintState } from '../src/shared/types';

/*
 * The complaint workflow's message contract, shared by the workflow and the API. The names in quotes are
 * recorded in every history: never rename one; add a new message instead.
 */

/** The live state (status, assignee, ...), answered from workflow memory without touching the database. */
export const statusQuery = defineQuery<ComplaintState>('status');

export interface ResolveArgs {
  resolution: string;
  actor: Actor;
}

/** The outcome of an accepted action: the status it left the complaint in. */
export interface ActionResult {
  id: string;
  status: ComplaintState['status'];
}

/**
 * An update, not a signal: the caller must learn whether the resolve was accepted (409 otherwise), and
 * the validator rejects it before anything reaches the history.
 */
export const resolveUpdate = defineUpdate<ActionResult, [ResolveArgs]>('resolve');

/** Failure types the workflow raises; the API maps them onto its error catalogue. */
export const INVALID_STATE = 'INVALID_STATE';
export const INVALID_ARGUMENT = 'INVALID_ARGUMENT';
