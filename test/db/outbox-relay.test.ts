import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyTx } from '../../activities/notify';
import { insertComplaint } from '../../src/db/queries/complaints';
import { notifications } from '../../src/db/schema';
import { createMailer } from '../../src/notify/mailer';
import { deliverOne, isPermanentFailure, relayOnce, retryDelayMs, startOutboxRelay } from '../../src/notify/deliver';
import { createTwilioSenders } from '../../src/notify/twilio';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startFakeTwilio, startHungSmtp, startSmtp } from '../helpers/loopback';
import { eventually } from '../helpers/stack';

let database: TestDatabase;
let tw: Awaited<ReturnType<typeof startFakeTwilio>>;
const FLAKY = '+14155550777';

beforeAll(async () => {
  database = await createTestDatabase();
  tw = await startFakeTwilio({ unavailableOnce: [FLAKY] });
});

afterAll(async () => {
  await tw?.close();
  await database?.dispose();
});

const senders = () => ({ sms: createTwilioSenders({ accountSid: `AC${'a'.repeat(32)}`, authToken: 'relay-test-token-0123456789', from: '+15550000001', apiBase: tw.base }).sms });

async function queued(id: string, phone: string, email?: string) {
  await insertComplaint(database.db, { id, channel: 'web', body: 'x', customer: { phone, email, language: 'en' }, metadata: {}, submittedBy: { subject: 'shop', role: 'integrator' }, receivedAt: new Date().toISOString() }, `complaint-${id}`);
  await database.db.transaction((tx) => notifyTx(tx, { complaintId: id, seq: 2, at: new Date().toISOString(), template: 'acknowledgement', audience: 'customer' }));
  const [m] = await database.db.select().from(notifications).where(eq(notifications.complaintId, id));
  return m!;
}

describe('outbox delivery', () => {
  it('a transient failure (Twilio 503) waits with backoff, then the relay sends it exactly once', async () => {
    const m = await queued(`relay${Date.now().toString(36)}`, FLAKY);
    expect(await relayOnce(database.db, senders())).toBe(1); // the first attempt
    const [after] = await database.db.select().from(notifications).where(eq(notifications.id, m.id));
    expect(after).toMatchObject({ status: 'pending', attempts: 1 });
    expect(after!.lastError).toContain('503');
    expect(after!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 20_000);
    expect(await relayOnce(database.db, senders())).toBe(0); // not due yet

    await database.db.update(notifications).set({ nextAttemptAt: new Date(Date.now() - 1000) }).where(eq(notifications.id, m.id));
    expect(await relayOnce(database.db, senders())).toBe(1);
    const [sent] = await database.db.select().from(notifications).where(eq(notifications.id, m.id));
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    expect(tw.messages().filter((s) => s.To === FLAKY)).toHaveLength(1);
    expect(await relayOnce(database.db, senders())).toBe(0);
  });

  it('two senders racing for one message: one claim wins, one SMS goes out', async () => {
    const m = await queued(`race${Date.now().toString(36)}`, '+14155550778');
    const outcomes = await Promise.all([deliverOne(database.db, senders(), m.id), deliverOne(database.db, senders(), m.id), deliverOne(database.db, senders(), m.id)]);
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'skipped')).toHaveLength(2);
    expect(tw.messages().filter((s) => s.To === '+14155550778')).toHaveLength(1);
  });

  it('a hung SMTP host holds back email only; once it is back, the email goes out exactly once', async () => {
    const hung = await startHungSmtp();
    const mailer = createMailer(hung.url, 'Complaint desk <complaints@example.com>');
    // The sweep runs often and a retry waits 100 ms: the test waits on conditions, not on the 30 s backoff.
    const relay = startOutboxRelay(database.db, { ...senders(), email: mailer }, { intervalMs: 100, retryDelay: () => 100 });
    const phone = '+14155550779';
    let smtp: Awaited<ReturnType<typeof startSmtp>> | undefined;
    try {
      const id = `hung${Date.now().toString(36)}`;
      await queued(id, phone, 'hung@example.com');
      relay.nudge();
      // The SMS goes out while the email's attempt is still waiting for a greeting that never comes.
      await eventually(async () => (tw.messages().some((s) => s.To === phone) ? true : undefined));
      const row = async (channel: string) => (await database.db.select().from(notifications).where(eq(notifications.complaintId, id))).find((n) => n.channel === channel)!;
      expect(await row('email')).toMatchObject({ status: 'sending', attempts: 1 });
      expect(hung.held()).toBe(1);

      // The host restarts: held connections drop, and the mail service listens on the same port.
      await hung.close();
      smtp = await startSmtp({ port: hung.port });
      const mails = () => smtp!.received.filter((m) => m.to.includes('hung@example.com'));
      await eventually(async () => (mails().length > 0 ? true : undefined));
      await relay.stop();
      expect(mails()).toHaveLength(1);
      const sent = await row('email');
      expect(sent.status).toBe('sent');
      expect(sent.attempts).toBeGreaterThanOrEqual(2); // the hung attempt, then one (or a refused one) after the restart
      expect(tw.messages().filter((s) => s.To === phone)).toHaveLength(1);
    } finally {
      await relay.stop();
      mailer.close();
      await hung.close();
      await smtp?.close();
    }
  });

  it('tells permanent failures from transient ones, and backs off up to an hour', () => {
    expect(isPermanentFailure({ responseCode: 550 })).toBe(true);
    expect(isPermanentFailure({ responseCode: 451 })).toBe(false);
    expect(isPermanentFailure({ code: 'EENVELOPE' })).toBe(true);
    expect(isPermanentFailure({ code: 'ECONNECTION' })).toBe(false);
    expect(isPermanentFailure({ status: 400, code: 21211 })).toBe(true);
    expect(isPermanentFailure({ status: 429, code: 20429 })).toBe(false);
    expect(isPermanentFailure({ status: 503, code: 20500 })).toBe(false);
    expect([1, 2, 3, 20].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 3_600_000]);
  });
});
