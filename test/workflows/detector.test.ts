import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, notifications } from '../../src/db/schema';
import { DETECTOR_SCHEDULE_ID } from '../../src/shared/detector';
import { ensureDetectorSchedule } from '../../src/temporal/schedules';
import { seedComplaints, type SeedComplaint } from '../helpers/seed-complaints';
import { auth, startTestStack, type TestStack } from '../helpers/stack';

let stack: TestStack;
const HOUR = 3_600_000;
const now = Date.now();
const ago = (ms: number) => new Date(now - ms).toISOString();

// Four weeks of two delivery complaints a day, then 20 in the last 24 hours: a spike. Separately,
// four customers writing the same billing complaint within the last hours: a mass complaint.
beforeAll(async () => {
  stack = await startTestStack('detector');
  const rows: SeedComplaint[] = [];
  for (let d = 1; d <= 28; d++) for (let k = 0; k < 2; k++) rows.push({ id: `h${d}x${k}`, category: 'delivery', createdAt: ago(d * 24 * HOUR + (k + 1) * HOUR), body: `parcel ${d} ${k} ${randomBytes(4).toString('hex')}` });
  // Billing's own baseline (one a day) keeps its few clustered complaints from counting as a billing spike.
  for (let d = 1; d <= 28; d++) rows.push({ id: `g${d}`, category: 'billing', createdAt: ago(d * 24 * HOUR + 2 * HOUR), body: `invoice ${d} ${randomBytes(4).toString('hex')}` });
  for (let i = 0; i < 20; i++) rows.push({ id: `b${i}`, category: 'delivery', createdAt: ago((i + 1) * 600_000), body: `late ${i} ${randomBytes(4).toString('hex')}` });
  const same = 'I was charged twice for my monthly plan this morning and nobody answers the phone';
  for (let i = 0; i < 4; i++) rows.push({ id: `m${i}`, category: 'billing', customerId: `cust-m${i}`, createdAt: ago((i + 1) * HOUR), body: i === 3 ? `${same} again` : same });
  await seedComplaints(stack.database.db, rows);
});

afterAll(async () => {
  await stack?.stop();
});

const runDetector = () =>
  stack.client.workflow.execute('detectorWorkflow', { taskQueue: stack.taskQueue, workflowId: `detector-test-${randomBytes(4).toString('hex')}`, args: [] }) as Promise<{ alerts: number[]; messages: number }>;

describe('detectorWorkflow', () => {
  it('raises a volume spike and a mass complaint, and tells the team leads once', async () => {
    const first = await runDetector();
    expect(first.alerts).toHaveLength(2);
    const rows = await stack.database.db.select().from(alerts);
    const spike = rows.find((a) => a.kind === 'volume_spike')!;
    expect(spike).toMatchObject({ category: 'delivery', observed: 20 });
    expect(spike.expected).toBeCloseTo(2, 6);
    const mass = rows.find((a) => a.kind === 'mass_complaint')!;
    expect(mass).toMatchObject({ category: 'billing', observed: 4 });
    expect([...mass.complaintIds].sort()).toEqual(['m0', 'm1', 'm2', 'm3']);

    const toLeads = await stack.database.db.select().from(notifications).where(eq(notifications.template, 'early_warning'));
    expect(toLeads.map((n) => [n.complaintId, n.recipient]).sort()).toEqual([
      [`alert-${spike.id}`, 'lead.logistics@example.com'],
      [`alert-${mass.id}`, 'lead.billing@example.com'],
    ].sort());

    // The next scheduled run sees the same incidents: no new alert, no second message.
    const second = await runDetector();
    expect(second).toEqual({ alerts: [], messages: 0 });
    expect(await stack.database.db.select().from(alerts)).toHaveLength(2);
    expect(await stack.database.db.select().from(notifications).where(eq(notifications.template, 'early_warning'))).toHaveLength(2);

    const listed = (await stack.app.inject({ method: 'GET', url: '/v1/alerts', headers: auth('supervisor') })).json();
    expect(listed.items.map((a: { kind: string }) => a.kind).sort()).toEqual(['mass_complaint', 'volume_spike']);
  });

  it('a new customer joining the cluster grows the same alert', async () => {
    await seedComplaints(stack.database.db, [{ id: 'm4', category: 'billing', customerId: 'cust-m4', createdAt: ago(60_000), body: 'I was charged twice for my monthly plan this morning and nobody answers the phone' }]);
    expect((await runDetector()).alerts).toEqual([]);
    const [mass] = await stack.database.db.select().from(alerts).where(eq(alerts.kind, 'mass_complaint'));
    expect(mass!.observed).toBe(5);
    expect(mass!.complaintIds).toContain('m4');
  });

  it('the schedule is created once and updated on a later start', async () => {
    try {
      await ensureDetectorSchedule(stack.client, 5, stack.taskQueue);
      await ensureDetectorSchedule(stack.client, 7, stack.taskQueue);
      const d = await stack.client.schedule.getHandle(DETECTOR_SCHEDULE_ID).describe();
      expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'detectorWorkflow', taskQueue: stack.taskQueue });
      expect(d.spec.intervals?.[0]?.every).toBe(7 * 60_000);
    } finally {
      await stack.client.schedule.getHandle(DETECTOR_SCHEDULE_ID).delete().catch(() => {});
    }
  });
});
