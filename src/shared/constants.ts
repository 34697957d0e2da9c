/**
 * Constants shared by the API, the worker and workflow code. Pure data: safe inside the workflow sandbox.
 */

/** The one task queue complaint workflows and their activities run on. */
export const TASK_QUEUE = 'complaints';

/** Workflow ids are `complaint-<id>`: the id is what integrators see, the prefix keeps the namespace tidy. */
export const WORKFLOW_ID_PREFIX = 'complaint-';

export const complaintWorkflowId = (id: string): string => `${WORKFLOW_ID_PREFIX}${id}`;

export const CHANNELS = ['web', 'app', 'email', 'sms', 'voice', 'wechat', 'weibo', 'phone', 'api'] as const;
export type Channel = (typeof CHANNELS)[number];

// The complaint's vocabulary lives in src/domain/complaint; re-exported here for the modules that import it from src/shared.
export { STATUSES, PRIORITIES, type ComplaintStatus, type Priority } from '../domain/complaint/vocabulary';
import { FINISHED_STATUSES, WORKED_STATUSES, type ComplaintStatus } from '../domain/complaint/vocabulary';

/** Statuses in which a handler is working the complaint: they count towards the handler's load. */
export const OPEN_ASSIGNED_STATUSES: readonly ComplaintStatus[] = WORKED_STATUSES;

/** Statuses from which nothing more happens until a reopen. */
export const FINAL_STATUSES: readonly ComplaintStatus[] = FINISHED_STATUSES;

export const LANGUAGES = ['zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const ROLES = ['integrator', 'agent', 'supervisor', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The category every complaint falls back to when neither rules nor models recognise it. */
export const FALLBACK_CATEGORY = 'other';

/** The workflow type name the API starts by name (the API never imports workflow code). */
export const COMPLAINT_WORKFLOW_TYPE = 'complaintWorkflow';
