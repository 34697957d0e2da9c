import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { insertComplaint } from '../../src/db/queries/complaints';
import { notifications } from '../../src/db/schema';
import { startOutboxRelay } from '../../src/notify/deliver';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp';
import { seedComplaints } from '../helpers/seed-complaints';
import { activityDeps, eventually } from '../helpers/stack';

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

describe('email delivery', () => {
  it('the step only queues its email; the relay it nudges sends it over SMTP in the customer’s language, once, and marks it sent', async () => {
    const id = `mail${Date.now().toString(36)}`;
    await insertComplaint(database.db, { id, channel: 'web', body: '快递没到', customer: { email: 'kehu@example.com', language: 'zh' }, metadata: {}, submittedBy: { subject: 'shop', role: 'integrator' }, receivedAt: new Date().toISOString() }, `complaint-${id}`);
    // No sweep within the test: whatever is sent, the activity's nudge set going.
    const relay = startOutboxRelay(database.db, { email: sink.mailer }, { intervalMs: 3_600_000 });
    const acts = createActivities({ ...(await activityDeps(database)), outbox: relay });
    const cmd = { complaintId: id, seq: 2, at: new Date().toISOString(), template: 'acknowledgement' as const, audience: 'customer' as const };
    const toKehu = () => sink.received.filter((m) => m.to.includes('kehu@example.com'));
    expect(await acts.notify(cmd)).toBe(1);
    // The activity answered before any SMTP exchange could happen: it never waits on the mail server.
    expect(toKehu()).toHaveLength(0);
    await eventually(async () => (toKehu().length > 0 ? true : undefined));
    await acts.notify(cmd); // a retried activity
    await relay.stop(); // every pass the nudges started has finished
    expect(toKehu()).toHaveLength(1);
    const mail = toKehu()[0]!;
    // a long Message-ID is folded onto the next line (RFC 5322 folding); readers unfold it
    expect(mail.raw).toMatch(/Message-ID:\s*<.*@complaint-desk>/i);
    expect(mail.raw).toContain(id);
    const [row] = await database.db.select().from(notifications).where(eq(notifications.complaintId, id));
    expect(row).toMatchObject({ status: 'sent', language: 'zh', subject: `我们已收到您的投诉 ${id}` });
  });
});

describe('early-warning email', () => {
  it('a mass complaint reaches the billing team lead over SMTP, once', async () => {
    const now = Date.now();
    const text = '账单重复扣费，今天早上同一笔月费被扣了两次，客服电话打不通';
    await seedComplaints(
      database.db,
      ['a', 'b', 'c'].map((c, i) => ({ id: `mail${c}`, category: 'billing', customerId: `cust-${c}`, createdAt: new Date(now - (i + 1) * 600_000).toISOString(), body: text })),
    );
    const relay = startOutboxRelay(database.db, { email: sink.mailer }, { intervalMs: 3_600_000 });
    const acts = createActivities({ ...(await activityDeps(database)), outbox: relay });
    const ids = await acts.detectMassComplaints(now);
    expect(ids).toHaveLength(1);
    const toLead = () => sink.received.filter((m) => m.to.includes('lead.billing@example.com'));
    expect(await acts.notifyAlerts(ids)).toBe(1);
    expect(toLead()).toHaveLength(0); // queued, not sent by the activity
    await eventually(async () => (toLead().length > 0 ? true : undefined));
    await acts.notifyAlerts(ids); // a retried activity
    await relay.stop();
    const mails = toLead();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.raw).toMatch(/Message-ID: <alert-\d+:lead\.billing\.example\.com@complaint-desk>/i);
    const [row] = await database.db.select().from(notifications).where(eq(notifications.complaintId, `alert-${ids[0]}`));
    expect(row).toMatchObject({ status: 'sent', template: 'early_warning', recipient: 'lead.billing@example.com' });
  });
});
