import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAudit, verifyAuditLog } from '../../src/db/queries/audit';
import { applyTransition, insertComplaint } from '../../src/db/queries/complaints';
import { auditLog } from '../../src/db/schema';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.dispose();
});

describe('the audit log hash chain', () => {
  it('holds across concurrent appends from actions and settings changes', async () => {
    const id = `chain${Date.now().toString(36)}`;
    await insertComplaint(database.db, { id, channel: 'api', body: 'x', customer: {}, metadata: {}, submittedBy: { subject: 'i', role: 'integrator' }, receivedAt: new Date().toISOString() }, `complaint-${id}`);
    await Promise.all([
      ...Array.from({ length: 15 }, (_, k) => insertAudit(database.db, { actor: 'admin', role: 'admin', action: 'handler_updated', data: { k, nested: { b: 1, a: [2, 'x'] } } })),
      ...Array.from({ length: 15 }, (_, k) =>
        applyTransition(database.db, { complaintId: id, seq: k + 2, event: { type: 'note', actor: { subject: 'sup', role: 'supervisor' }, at: new Date().toISOString(), data: { text: `n${k}` } } }),
      ),
    ]);
    expect(await verifyAuditLog(database.db, 7)).toEqual({ checked: 30 });
  });

  it('names the first edited entry, and a removed one', async () => {
    const rows = await database.db.select().from(auditLog).orderBy(auditLog.id);
    const victim = rows[10]!;
    // Only the database owner can get past the append-only trigger, and even then the chain tells.
    await database.db.execute(sql`alter table audit_log disable trigger audit_log_no_update`);
    await database.db.update(auditLog).set({ data: { forged: true } }).where(eq(auditLog.id, victim.id));
    const edited = await verifyAuditLog(database.db);
    expect(edited).toEqual({ checked: 10, firstBroken: { id: victim.id, reason: expect.stringMatching(/edited/) } });
    await database.db.update(auditLog).set({ data: victim.data }).where(eq(auditLog.id, victim.id));
    expect(await verifyAuditLog(database.db)).toEqual({ checked: 30 });
    await database.db.delete(auditLog).where(eq(auditLog.id, rows[20]!.id));
    await database.db.execute(sql`alter table audit_log enable trigger audit_log_no_update`);
    expect((await verifyAuditLog(database.db)).firstBroken).toEqual({ id: rows[21]!.id, reason: expect.stringMatching(/removed or inserted/) });
  });
});
