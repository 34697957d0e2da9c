/** The audit anchor's contract, known to its workflow, its activity, the worker and `npm run audit:verify`. */

/** One anchor workflow per namespace: the worker starts it (or nudges the running one) with this id. */
export const AUDIT_ANCHOR_WORKFLOW_ID = 'audit-anchor';

/** The workflow type name the worker starts by name. */
export const AUDIT_ANCHOR_WORKFLOW_TYPE = 'auditAnchorWorkflow';

/** The activity whose results in the anchor's history are the checkpoints. */
export const CHECKPOINT_ACTIVITY = 'checkpointAuditChain';

/** The audit chain's head as the database showed it at `at`: what the anchor keeps out of the owner's reach. */
export interface AuditCheckpoint {
  /** The newest entry's id (0: the log was empty). */
  lastId: number;
  /** Its hash (an HMAC under the audit key since the switch-over). */
  hash: string;
  /** How many entries the log held. */
  count: number;
  /** The switch-over to keyed hashes as audit_chain recorded it (null: the record was missing). */
  keyedFrom: number | null;
  /** ISO time the checkpoint was taken. */
  at: string;
}

export interface AuditAnchorInput {
  /** How long between checkpoints (a signal asks for one sooner). */
  intervalMs: number;
  /** How many recent checkpoints the workflow carries in its state across continue-as-new. */
  keep: number;
  /** The checkpoints carried over from the previous run (empty on the first). */
  checkpoints: AuditCheckpoint[];
  /** Rounds before continue-as-new (tests make it small); 500 when unset. */
  roundsPerRun?: number;
}
