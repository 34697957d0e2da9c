import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { notifications } from '../../src/db/schema';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { seedComplaints } from '../helpers/seed-complaints';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { activityDeps } from '../helpers/stack';

let database: TestDatabase;
let sink: SmtpSink;

beforeAll(async () => {
  database = await createTestDatabase();
  sink = await startSmtpSink();
});

afterAll(async () => {
  await sink?.close();
  await database?.dispose();
});

describe('early-warning email', () => {
  it('a mass complaint reaches the billing team lead over SMTP, once', async () => {
    const now = Date.now();
    const text = '账单重复扣费，今天早上同一笔月费被扣了两次，客服电话打不通';
    await seedComplaints(
      database.db,
      ['a', 'b', 'c'].map((c, i) => ({ id: `mail${c}`, category: 'billing', customerId: `cust-${c}`, createdAt: new Date(now - (i + 1) * 600_000).toISOString(), body: text })),
    );
    const acts = createActivities({ ...(await activityDeps(database)), mailer: sink.mailer });
    const ids = await acts.detectMassComplaints(now);
    expect(ids).toHaveLength(1);
    expect(await acts.notifyAlerts(ids)).toBe(1);
    await acts.notifyAlerts(ids); // a retried activity
    const mails = sink.received.filter((m) => m.to.includes('lead.billing@example.com'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.raw).toMatch(/Message-ID: <alert-\d+:lead\.billing\.example\.com@complaint-desk>/i);
    const [row] = await database.db.select().from(notifications).where(eq(notifications.complaintId, `alert-${ids[0]}`));
    expect(row).toMatchObject({ status: 'sent', template: 'early_warning', recipient: 'lead.billing@example.com' });
  });
});
