import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../client';
import { surveys, type SurveyRow } from '../schema';
import type { Tx } from './complaints';

/** Records a survey invitation (idempotent by nonce). */
export async function insertSurvey(tx: Tx, s: { nonce: string; complaintId: string; expiresAt: Date; createdAt: Date }): Promise<void> {
  await tx.insert(surveys).values(s).onConflictDoNothing();
}

export async function getSurvey(db: Db, nonce: string): Promise<SurveyRow | undefined> {
  const [row] = await db.select().from(surveys).where(eq(surveys.nonce, nonce));
  return row;
}

/** Stores the answer; the workflow has already accepted it exactly once. */
export async function answerSurvey(tx: Tx, nonce: string, score: number, comment: string | undefined, at: Date): Promise<void> {
  await tx.update(surveys).set({ score, comment: comment ?? null, answeredAt: at }).where(eq(surveys.nonce, nonce));
}

/** The complaint's survey still waiting for an answer (not answered, not expired), if any. */
export async function pendingSurveyOf(db: Db, complaintId: string, now = new Date()): Promise<SurveyRow | undefined> {
  const [row] = await db
    .select()
    .from(surveys)
    .where(and(eq(surveys.complaintId, complaintId), isNull(surveys.answeredAt), gt(surveys.expiresAt, now)))
    .orderBy(desc(surveys.createdAt))
    .limit(1);
  return row;
}
