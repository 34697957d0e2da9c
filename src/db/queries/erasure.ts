import { and, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { FINISHED_STATUSES } from '../../domain/complaint/vocabulary';
import type { Db } from '../client';
import { complaintEvents, complaints, kbArticles, notifications } from '../schema';
import { appendAudit } from './audit';
import type { Tx } from './complaints';

export const REDACTED = '[redacted]';

/** Timeline fields that may carry what a person wrote or who they are. */
const PERSONAL_EVENT_FIELDS = ['text', 'question', 'resolution', 'comment', 'reason', 'recipients', 'summary', 'keywords'];

async function redactComplaints(tx: Tx, ids: string[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(complaints)
    .set({ customerName: null, customerEmail: null, customerPhone: null, body: REDACTED, subject: null, summary: null, keywords: [], searchTerms: null, metadata: {}, requestHash: null, resolution: sql`case when ${complaints.resolution} is null then null else ${REDACTED} end`, erasedAt: at })
    .where(inArray(complaints.id, ids));
  await tx.update(notifications).set({ recipient: REDACTED, subject: REDACTED, body: REDACTED, data: {} }).where(inArray(notifications.complaintId, ids));
  // A draft learnt from the complaint still holds its words; a published article was rewritten by a person.
  await tx.delete(kbArticles).where(and(inArray(kbArticles.sourceComplaintId, ids), eq(kbArticles.status, 'draft')));
  // The one sanctioned write to the append-only timeline (see migration 0006): personal fields only.
  await tx.execute(sql`set local app.erasure = 'on'`);
  const strip = PERSONAL_EVENT_FIELDS.reduce((expr, f) => sql`(${expr}) - ${f}`, sql`${complaintEvents.data}`);
  await tx.update(complaintEvents).set({ data: sql`${strip}` }).where(inArray(complaintEvents.complaintId, ids));
}

export interface ErasureResult {
  complaints: number;
}

/**
 * Erases one customer's personal data from the read model, the timeline and the outbox, and records the
 * erasure itself (who, when, how many complaints; never the erased data) in the audit log.
 */
export async function eraseCustomer(db: Db, customerId: string, actor: { subject: string; role: string }, reason: string): Promise<ErasureResult> {
  return db.transaction(async (tx) => {
    const rows = await tx.select({ id: complaints.id }).from(complaints).where(eq(complaints.customerId, customerId));
    const ids = rows.map((r) => r.id);
    const at = new Date();
    await redactComplaints(tx, ids, at);
    await appendAudit(tx, { at, actor: actor.subject, role: actor.role, action: 'customer_erased', data: { customerId, complaints: ids.length, reason } });
    return { complaints: ids.length };
  });
}

/** Retention: redacts closed complaints older than the cutoff that still hold personal data. */
export async function applyRetention(db: Db, closedBefore: Date, batch = 500): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: complaints.id })
      .from(complaints)
      .where(and(inArray(complaints.status, FINISHED_STATUSES), lt(complaints.closedAt, closedBefore), isNull(complaints.erasedAt)))
      .limit(batch);
    const ids = rows.map((r) => r.id);
    const at = new Date();
    await redactComplaints(tx, ids, at);
    if (ids.length > 0) await appendAudit(tx, { at, actor: 'retention', role: 'system', action: 'retention_applied', data: { complaints: ids.length, closedBefore: closedBefore.toISOString() } });
    return ids.length;
  });
}
