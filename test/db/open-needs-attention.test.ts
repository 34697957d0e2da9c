import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openByEscalationLevel } from '../../src/db/queries/analytics-rollup';
import { complaints } from '../../src/db/schema';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { seedComplaints } from '../helpers/seed-complaints';

// Migration 0023 (issue 20 item 2): a complaint parked in needs_attention is still open, and the
// summary's open complaints by escalation level (the rollup's `open` dimension) count it.

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.dispose();
});

describe('open complaints by escalation level', () => {
  it('count a complaint in needs_attention, as they count it once retried, and not once withdrawn', async () => {
    await seedComplaints(database.db, [
      { id: 'na1', createdAt: '2026-02-02T10:00:00Z', status: 'received', escalationLevel: 0 },
      { id: 'na2', createdAt: '2026-02-02T11:00:00Z', status: 'assigned', escalationLevel: 1 },
    ]);
    const open = async () => Object.fromEntries((await openByEscalationLevel(database.db)).map((r) => [r.level, r.count]));
    expect(await open()).toEqual({ 0: 1, 1: 1 });
    await database.db.update(complaints).set({ status: 'needs_attention' }).where(eq(complaints.id, 'na1'));
    expect(await open()).toEqual({ 0: 1, 1: 1 });
    await database.db.update(complaints).set({ status: 'triaged' }).where(eq(complaints.id, 'na1'));
    expect(await open()).toEqual({ 0: 1, 1: 1 });
    await database.db.update(complaints).set({ status: 'needs_attention' }).where(eq(complaints.id, 'na1'));
    await database.db.update(complaints).set({ status: 'withdrawn' }).where(eq(complaints.id, 'na1'));
    expect((await open())[0] ?? 0).toBe(0);
  });
});
