import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { insertComplaint } from '../../src/db/queries/complaints';
import { notifications } from '../../src/db/schema';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
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

describe('email delivery', () => {
  it('sends the step’s email over SMTP in the customer’s language, once, and marks it sent', async () => {
    const id = `mail${Date.now().toString(36)}`;
    await insertComplaint(database.db, { id, channel: 'web', body: '快递没到', customer: { email: 'kehu@example.com', language: 'zh' }, metadata: {}, submittedBy: { subject: 'shop', role: 'integrator' }, receivedAt: new Date().toISOString() }, `complaint-${id}`);
    const acts = createActivities({ ...(await activityDeps(database)), mailer: sink.mailer });
    const cmd = { complaintId: id, seq: 2, at: new Date().toISOString(), template: 'acknowledgement' as const, audience: 'customer' as const };
    expect(await acts.notify(cmd)).toBe(1);
    await acts.notify(cmd); // a retried activity
    expect(sink.received.filter((m) => m.to.includes('kehu@example.com'))).toHaveLength(1);
    const mail = sink.received.find((m) => m.to.includes('kehu@example.com'))!;
    expect(mail.raw).toMatch(/Message-ID: <.*@complaint-desk>/i);
    expect(mail.raw).toContain(id);
    const [row] = await database.db.select().from(notifications).where(eq(notifications.complaintId, id));
    expect(row).toMatchObject({ status: 'sent', language: 'zh', subject: `我们已收到您的投诉 ${id}` });
  });
});
