import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/db/queries/audit';
import { applyTransition, getComplaint, insertComplaint } from '../../src/db/queries/complaints';
import { applyRetention, eraseCustomer, REDACTED } from '../../src/db/queries/erasure';
import { getTimeline } from '../../src/db/queries/timeline';
import { auditLog, complaintEvents, notifications } from '../../src/db/schema';
import type { ComplaintWorkflowInput } from '../../src/shared/types';
import { createTestDatabase, testAuditKeyring, type TestDatabase } from '../helpers/db';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.dispose();
});

let n = 0;
async function complaintOf(customerId: string, closedAt?: string): Promise<string> {
  const id = `er${Date.now().toString(36)}${n++}`;
  const input: ComplaintWorkflowInput = {
    id,
    channel: 'email',
    body: 'I am Zhang Wei, call me on +8613800138000',
    subject: 'Refund',
    customer: { id: customerId, name: 'Zhang Wei', email: 'zhang@example.com', phone: '+8613800138000' },
    metadata: { orderId: '1001' },
    submittedBy: { subject: 'shop', role: 'integrator' },
    receivedAt: new Date().toISOString(),
  };
  await insertComplaint(database.db, input, `complaint-${id}`);
  await applyTransition(database.db, { complaintId: id, seq: 2, event: { type: 'note', actor: { subject: 'sup', role: 'supervisor' }, at: new Date().toISOString(), data: { text: 'Zhang Wei called again' } } });
  await database.db.insert(notifications).values({ dedupeKey: `${id}:x`, complaintId: id, channel: 'email', recipient: 'zhang@example.com', template: 'acknowledgement', language: 'en', subject: 'Hi Zhang', body: 'Dear Zhang Wei' });
  if (closedAt) await applyTransition(database.db, { complaintId: id, seq: 3, status: 'closed', event: { type: 'closed', actor: { subject: 'system', role: 'system' }, at: closedAt } });
  return id;
}

describe('erasure and retention', () => {
  it("erases one customer's personal data everywhere we hold it, and records the erasure", async () => {
    const mine = [await complaintOf('cust-zhang'), await complaintOf('cust-zhang')];
    const other = await complaintOf('cust-other');
    const r = await eraseCustomer(database.db, 'cust-zhang', { subject: 'dev-admin', role: 'admin' }, 'customer request #77');
    expect(r).toEqual({ complaints: 2 });
    for (const id of mine) {
      const row = (await getComplaint(database.db, id))!;
      expect(row).toMatchObject({ customerName: null, customerEmail: null, customerPhone: null, body: REDACTED, subject: null, metadata: {} });
      expect(row.erasedAt).toBeInstanceOf(Date);
      const note = (await getTimeline(database.db, id)).find((e) => e.type === 'note')!;
      expect(note.data.text).toBeUndefined();
      const [msg] = await database.db.select().from(notifications).where(eq(notifications.complaintId, id));
      expect(msg).toMatchObject({ recipient: REDACTED, body: REDACTED });
    }
    expect((await getComplaint(database.db, other))!.customerName).toBe('Zhang Wei');
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'customer_erased'));
    expect(entry).toMatchObject({ actor: 'dev-admin', data: { customerId: 'cust-zhang', complaints: 2, reason: 'customer request #77' } });
    expect(JSON.stringify(entry)).not.toMatch(/Zhang Wei|zhang@example/);
    expect((await verifyAuditLog(database.db, testAuditKeyring)).firstBroken).toBeUndefined();
  });

  it('the timeline stays closed to every other update, and to deletes', async () => {
    const id = await complaintOf('cust-x');
    const refusal = (p: Promise<unknown>) => p.then(() => 'accepted', (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message));
    expect(await refusal(database.db.update(complaintEvents).set({ type: 'forged' }).where(eq(complaintEvents.complaintId, id)))).toMatch(/append-only/);
  });

  it('retention redacts closed complaints older than the cutoff, once', async () => {
    const old = await complaintOf('cust-old', new Date(Date.now() - 400 * 86_400_000).toISOString());
    const recent = await complaintOf('cust-recent', new Date().toISOString());
    const open = await complaintOf('cust-open');
    const cutoff = new Date(Date.now() - 365 * 86_400_000);
    expect(await applyRetention(database.db, cutoff)).toBe(1);
    expect(await applyRetention(database.db, cutoff)).toBe(0);
    expect((await getComplaint(database.db, old))!.body).toBe(REDACTED);
    expect((await getComplaint(database.db, recent))!.body).not.toBe(REDACTED);
    expect((await getComplaint(database.db, open))!.body).not.toBe(REDACTED);
  });
});
