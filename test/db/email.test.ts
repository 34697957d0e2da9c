import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { insertComplaint } from '../../src/db/queries/complaints';
import { notifications } from '../../src/db/schema';
import { createMailer, type Mailer } from '../../src/notify/mailer';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { activityDeps } from '../helpers/stack';

let database: TestDatabase;
let smtp: SMTPServer;
let mailer: Mailer;
const received: Array<{ to: string[]; raw: string }> = [];

beforeAll(async () => {
  database = await createTestDatabase();
  // A real SMTP server on loopback: what nodemailer speaks to in production, minus the internet.
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  mailer = createMailer(`smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, 'Complaint desk <complaints@example.com>');
});

afterAll(async () => {
  mailer?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await database?.dispose();
});

describe('email delivery', () => {
  it('sends the step’s email over SMTP in the customer’s language, once, and marks it sent', async () => {
    const id = `mail${Date.now().toString(36)}`;
    await insertComplaint(database.db, { id, channel: 'web', body: '快递没到', customer: { email: 'kehu@example.com', language: 'zh' }, metadata: {}, submittedBy: { subject: 'shop', role: 'integrator' }, receivedAt: new Date().toISOString() }, `complaint-${id}`);
    const acts = createActivities({ ...(await activityDeps(database)), senders: { email: mailer } });
    const cmd = { complaintId: id, seq: 2, at: new Date().toISOString(), template: 'acknowledgement' as const, audience: 'customer' as const };
    expect(await acts.notify(cmd)).toBe(1);
    await acts.notify(cmd); // a retried activity
    expect(received.filter((m) => m.to.includes('kehu@example.com'))).toHaveLength(1);
    const mail = received.find((m) => m.to.includes('kehu@example.com'))!;
    expect(mail.raw).toMatch(/Message-ID: <.*@complaint-desk>/i);
    expect(mail.raw).toContain(id);
    const [row] = await database.db.select().from(notifications).where(eq(notifications.complaintId, id));
    expect(row).toMatchObject({ status: 'sent', language: 'zh', subject: `我们已收到您的投诉 ${id}` });
  });
});
