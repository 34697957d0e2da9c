import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AuditCheckpoint } from '../src/shared/audit-anchor';

/*
 * The audit anchor's messages. The names in quotes are recorded in its history: never rename one.
 */

/** Take a checkpoint now instead of at the next interval (sent by every worker at start). */
export const checkpointSignal = defineSignal('checkpoint');

/** The checkpoints the workflow carries, oldest first. */
export const checkpointsQuery = defineQuery<AuditCheckpoint[]>('checkpoints');
