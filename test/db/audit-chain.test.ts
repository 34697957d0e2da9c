import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKeyId, auditKeyring, entryHash, GENESIS_HASH } from '../../src/audit/chain';
import { openDatabase } from '../../src/db/client';
import { bindAuditKeyring, insertAudit, verifyAuditLog } from '../../src/db/queries/audit';
import { applyTransition, insertComplaint } from '../../src/db/queries/complaints';
import { auditLog } from '../../src/db/schema';
import { createTestDatabase, migrationsBefore, TEST_AUDIT_KEY, testAuditKeyring, type TestDatabase } from '../helpers/db';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.dispose();
});

describe('the audit log hash chain', () => {
  it('holds across concurrent appends from actions and settings changes, every entry keyed', async () => {
    const id = `chain${Date.now().toString(36)}`;
    await insertComplaint(database.db, { id, channel: 'api', body: 'x', customer: {}, metadata: {}, submittedBy: { subject: 'i', role: 'integrator' }, receivedAt: new Date().toISOString() }, `complaint-${id}`);
    await Promise.all([
      ...Array.from({ length: 15 }, (_, k) => insertAudit(database.db, { actor: 'admin', role: 'admin', action: 'handler_updated', data: { k, nested: { b: 1, a: [2, 'x'] } } })),
      ...Array.from({ length: 15 }, (_, k) =>
        applyTransition(database.db, { complaintId: id, seq: k + 2, event: { type: 'note', actor: { subject: 'sup', role: 'supervisor' }, at: new Date().toISOString(), data: { text: `n${k}` } } }),
      ),
    ]);
    expect(await verifyAuditLog(database.db, testAuditKeyring, 7)).toEqual({ checked: 30, keyed: 30, keyedFrom: 0 });
    const keyIds = await database.db.selectDistinct({ keyId: auditLog.keyId }).from(auditLog);
    expect(keyIds).toEqual([{ keyId: auditKeyId(TEST_AUDIT_KEY) }]);
  });

  it('names the first edited entry, and a removed one', async () => {
    const rows = await database.db.select().from(auditLog).orderBy(auditLog.id);
    const victim = rows[10]!;
    // Only the database owner can get past the append-only trigger, and even then the chain tells.
    await database.db.execute(sql`alter table audit_log disable trigger audit_log_no_update`);
    await database.db.update(auditLog).set({ data: { forged: true } }).where(eq(auditLog.id, victim.id));
    const edited = await verifyAuditLog(database.db, testAuditKeyring);
    expect(edited).toMatchObject({ checked: 10, firstBroken: { id: victim.id, kind: 'edited', reason: expect.stringMatching(/edited/) } });
    await database.db.update(auditLog).set({ data: victim.data }).where(eq(auditLog.id, victim.id));
    expect(await verifyAuditLog(database.db, testAuditKeyring)).toMatchObject({ checked: 30 });
    await database.db.delete(auditLog).where(eq(auditLog.id, rows[20]!.id));
    await database.db.update(auditLog).set({ data: victim.data }).where(eq(auditLog.id, victim.id));
    await database.db.execute(sql`alter table audit_log enable trigger audit_log_no_update`);
    expect((await verifyAuditLog(database.db, testAuditKeyring)).firstBroken).toEqual({ id: rows[21]!.id, kind: 'removed', reason: expect.stringMatching(/removed mid-chain/) });
  });

  it('refuses TRUNCATE of the log and of the switch-over record while the triggers are on', async () => {
    // drizzle wraps the database's error; its cause carries PostgreSQL's message.
    const refusal = (q: Promise<unknown>) => q.then(() => 'accepted', (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message));
    expect(await refusal(database.db.execute(sql`truncate audit_log`))).toBe('audit_log is append-only (TRUNCATE refused)');
    expect(await refusal(database.db.execute(sql`truncate audit_chain`))).toBe('audit_chain is append-only (TRUNCATE refused)');
    expect(await refusal(database.db.execute(sql`update audit_chain set keyed_from = 100`))).toBe('audit_chain is append-only (UPDATE refused)');
    expect(await database.db.$count(auditLog)).toBe(29);
    expect((await verifyAuditLog(database.db, testAuditKeyring)).keyedFrom).toBe(0);
  });
});

describe('rotating the audit key', () => {
  it('signs new entries with the new key, and verifies the old ones while the old key is kept as a previous key', async () => {
    const db = await createTestDatabase();
    try {
      const oldKey = randomBytes(32).toString('base64url');
      const newKey = randomBytes(32).toString('base64url');
      // A second handle on the same database, as a restarted service with a rotated key would have.
      bindAuditKeyring(db.db, auditKeyring(oldKey));
      for (let k = 0; k < 3; k++) await insertAudit(db.db, { actor: 'admin', role: 'admin', action: 'handler_updated', data: { k } });
      bindAuditKeyring(db.db, auditKeyring(newKey, [oldKey]));
      for (let k = 3; k < 5; k++) await insertAudit(db.db, { actor: 'admin', role: 'admin', action: 'handler_updated', data: { k } });
      const ids = (await db.db.select({ keyId: auditLog.keyId }).from(auditLog).orderBy(auditLog.id)).map((r) => r.keyId);
      expect(ids).toEqual([auditKeyId(oldKey), auditKeyId(oldKey), auditKeyId(oldKey), auditKeyId(newKey), auditKeyId(newKey)]);
      expect(await verifyAuditLog(db.db, auditKeyring(newKey, [oldKey]))).toEqual({ checked: 5, keyed: 5, keyedFrom: 0 });
      // Forgetting the old key leaves its entries unverifiable: they are reported, not trusted.
      const [first] = await db.db.select().from(auditLog).orderBy(auditLog.id).limit(1);
      expect((await verifyAuditLog(db.db, auditKeyring(newKey))).firstBroken).toEqual({ id: first!.id, kind: 'forged', reason: expect.stringContaining(`audit key ${auditKeyId(oldKey)}`) });
    } finally {
      await db.dispose();
    }
  });

  it('refuses to append through a handle without an audit key', async () => {
    const bare = await openDatabase({});
    try {
      await bare.migrate();
      await expect(insertAudit(bare.db, { actor: 'admin', role: 'admin', action: 'handler_updated' })).rejects.toThrow(/no audit key/);
    } finally {
      await bare.close();
    }
  });
});

describe('the switch-over to the keyed chain (migrations 0024, 0025)', () => {
  it('keeps the plain SHA-256 entries written before it verifying, and refuses later entries recomputed as plain SHA-256', async () => {
    const before = migrationsBefore('0024');
    const old = await createTestDatabase(undefined, before);
    try {
      let prevHash = GENESIS_HASH;
      for (let k = 0; k < 3; k++) {
        const fields = { at: new Date(Date.UTC(2026, 0, 1 + k)), actor: 'admin', role: 'admin', action: 'handler_updated', complaintId: null, data: { k } };
        const hash = entryHash(prevHash, fields);
        await old.db.execute(sql`insert into audit_log (at, actor, role, action, data, prev_hash, hash) values (${fields.at.toISOString()}, 'admin', 'admin', 'handler_updated', ${JSON.stringify(fields.data)}::jsonb, ${prevHash}, ${hash})`);
        prevHash = hash;
      }
      await old.migrate();
      for (let k = 3; k < 5; k++) await insertAudit(old.db, { actor: 'admin', role: 'admin', action: 'handler_updated', data: { k } });
      const rows = await old.db.select().from(auditLog).orderBy(auditLog.id);
      expect(await verifyAuditLog(old.db, testAuditKeyring)).toEqual({ checked: 5, keyed: 2, keyedFrom: rows[2]!.id });

      // The downgrade: edit the first keyed entry and recompute it and the next as plain SHA-256.
      await old.db.execute(sql`set session_replication_role = replica`);
      let prev = rows[2]!.hash!;
      for (const row of rows.slice(3)) {
        const fields = { ...row, actor: row.id === rows[3]!.id ? 'someone-else' : row.actor };
        const hash = entryHash(prev, fields);
        await old.db.update(auditLog).set({ actor: fields.actor, prevHash: prev, hash, keyId: null }).where(eq(auditLog.id, row.id));
        prev = hash;
      }
      await old.db.execute(sql`set session_replication_role = origin`);
      expect((await verifyAuditLog(old.db, testAuditKeyring)).firstBroken).toEqual({ id: rows[3]!.id, kind: 'forged', reason: expect.stringMatching(/plain SHA-256 entry after the switch to keyed hashes.*downgrade/) });
    } finally {
      await old.dispose();
      rmSync(before, { recursive: true, force: true });
    }
  });
});
