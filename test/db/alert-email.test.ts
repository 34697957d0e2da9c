import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { notifications } from '../../src/db/schema';
import { createMailer, type Mailer } from '../../src/notify/mailer';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { seedComplaints } from '../helpers/seed-complaints';
import { activityDeps } from '../helpers/stack';

let database: TestDatabase;
let smtp: SMTPServer;
let mailer: Mailer;
const received: Array<{ to: string[]; raw: string }> = [];

beforeAll(async () => {
  database = await createTestDatabase();
  // A real SMTP server on loopback, as in email.test.ts.
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

describe('early-warning email', () => {
  it('a mass complaint reaches the billing team lead over SMTP, once', async () => {
    const now = Date.now();
    const text = '账单重复扣费，今天早上同一笔月费被扣了两次，客服电话打不通';
    await seedComplaints(
      database.db,
      ['a', 'b', 'c'].map((c, i) => ({ id: `mail${c}`, category: 'billing', customerId: `cust-${c}`, createdAt: new Date(now - (i + 1) * 600_000).toISOString(), body: text })),
    );
    const acts = createActivities({ ...(await activityDeps(database)), mailer });
    const ids = await acts.detectMassComplaints(now);
    expect(ids).toHaveLength(1);
    expect(await acts.notifyAlerts(ids)).toBe(1);
    await acts.notifyAlerts(ids); // a retried activity
    const mails = received.filter((m) => m.to.includes('lead.billing@example.com'));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.raw).toMatch(/Message-ID: <alert-\d+:lead\.billing\.example\.com@complaint-desk>/i);
    const [row] = await database.db.select().from(notifications).where(eq(notifications.complaintId, `alert-${ids[0]}`));
    expect(row).toMatchObject({ status: 'sent', template: 'early_warning', recipient: 'lead.billing@example.com' });
  });
});
