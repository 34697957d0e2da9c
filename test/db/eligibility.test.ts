import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { applyTransition, insertComplaint } from '../../src/db/queries/complaints';
import { assignLeastLoaded } from '../../src/db/queries/routing';
import { departments, handlers } from '../../src/db/schema';
import type { ComplaintWorkflowInput } from '../../src/shared/types';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { activityDeps } from '../helpers/stack';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.dispose();
});

const actor = { subject: 't', role: 'system' as const };
let n = 0;
async function triaged(body = 'text'): Promise<ComplaintWorkflowInput> {
  const c: ComplaintWorkflowInput = { id: `el${Date.now().toString(36)}${n++}`, channel: 'api', body, customer: {}, metadata: {}, submittedBy: { subject: 'i', role: 'integrator' }, receivedAt: new Date().toISOString() };
  await insertComplaint(database.db, c, `complaint-${c.id}`);
  return c;
}
const assign = async (id: string, category = 'billing', language = 'en') =>
  (await assignLeastLoaded(database.db, { complaintId: id, department: 'billing', category, language, transition: { seq: 3, event: { type: 'assigned', actor, at: new Date().toISOString() } } })).assignee;

describe('eligibility rules', () => {
  it('an inactive handler is never picked; a handler without the skill is never picked', async () => {
    await database.db.update(handlers).set({ openCount: 0, capacity: 10 }).where(eq(handlers.departmentId, 'billing'));
    await database.db.update(handlers).set({ active: false }).where(eq(handlers.id, 'h-carol'));
    for (let k = 0; k < 3; k++) expect(await assign((await triaged()).id)).toBe('h-li');
    await database.db.update(handlers).set({ active: true }).where(eq(handlers.id, 'h-carol'));
    await database.db.update(handlers).set({ skills: ['disputes'] }).where(eq(handlers.id, 'h-li'));
    expect(await assign((await triaged()).id)).toBe('h-carol');
    expect(await assign((await triaged()).id, 'disputes')).toBe('h-li');
    await database.db.update(handlers).set({ skills: ['billing', 'refunds'] }).where(eq(handlers.id, 'h-li'));
  });
});

describe('department calendars', () => {
  it("a department's own calendar becomes the complaint's SLA calendar at triage", async () => {
    const calendar = { timeZone: 'Europe/London', week: [[], [[480, 960]], [[480, 960]], [[480, 960]], [[480, 960]], [[480, 960]], []] as [number, number][][], exceptions: { '2026-12-25': { hours: [] } } };
    await database.db.update(departments).set({ calendar }).where(eq(departments.id, 'billing'));
    const acts = createActivities(await activityDeps(database));
    const c = await triaged('I was charged twice on my invoice');
    const out = await acts.triageComplaint({ complaintId: c.id, seq: 2, at: new Date().toISOString(), body: c.body });
    expect(out).toMatchObject({ category: 'billing', department: 'billing' });
    expect(out.sla.calendar).toEqual(calendar);
    const other = await triaged('The staff were rude');
    const plain = await acts.triageComplaint({ complaintId: other.id, seq: 2, at: new Date().toISOString(), body: other.body });
    expect(plain.sla.calendar.timeZone).toBe('Asia/Shanghai'); // the SLA policy's calendar
    await applyTransition(database.db, { complaintId: c.id, seq: 3, status: 'closed', event: { type: 'closed', actor, at: new Date().toISOString() } });
  });
});
