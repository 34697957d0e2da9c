import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../client';
import { actionKeys, type ActionKeyRow } from '../schema';

export interface ActionKeyClaim {
  complaintId: string;
  key: string;
  action: string;
  actor: string;
  fingerprint: string;
}

/**
 * Claims an idempotency key for an action on a complaint, or finds the earlier claim. Returns the row as
 * stored: the caller compares its action, actor and fingerprint with the request's.
 */
export async function claimActionKey(db: Db, claim: ActionKeyClaim): Promise<ActionKeyRow> {
  const [inserted] = await db.insert(actionKeys).values(claim).onConflictDoNothing().returning();
  if (inserted) return inserted;
  const [existing] = await db
    .select()
    .from(actionKeys)
    .where(and(eq(actionKeys.complaintId, claim.complaintId), eq(actionKeys.key, claim.key)));
  if (!existing) throw new Error(`action key ${claim.key} of ${claim.complaintId} vanished`);
  return existing;
}

/** The claim of a key on a complaint, if any. */
export async function getActionKey(db: Db, complaintId: string, key: string): Promise<ActionKeyRow | undefined> {
  const [row] = await db
    .select()
    .from(actionKeys)
    .where(and(eq(actionKeys.complaintId, complaintId), eq(actionKeys.key, key)));
  return row;
}

/** The outcome stored under a key, once the workflow has run the action. */
export async function actionKeyResult(db: Db, complaintId: string, key: string): Promise<ActionKeyRow['result']> {
  const [row] = await db
    .select({ result: actionKeys.result })
    .from(actionKeys)
    .where(and(eq(actionKeys.complaintId, complaintId), eq(actionKeys.key, key)));
  return row?.result ?? null;
}

/**
 * Stores an action's outcome under its key (the workflow's step, retried freely): the first outcome
 * stays. A key with no claim (an update sent past the API) stores nothing.
 */
export async function storeActionOutcome(db: Db, o: { complaintId: string; key: string; action: string; result: { id: string; status: string }; at: Date }): Promise<void> {
  await db
    .update(actionKeys)
    .set({ result: o.result, completedAt: o.at })
    .where(and(eq(actionKeys.complaintId, o.complaintId), eq(actionKeys.key, o.key), eq(actionKeys.action, o.action), isNull(actionKeys.result)));
}
