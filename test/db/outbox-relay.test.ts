import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyTx } from '../../activities/notify';
import { insertComplaint } from '../../src/db/queries/complaints';
import { notifications } from '../../src/db/schema';
import { deliverOne, deliverStep, isPermanentFailure, relayOnce, retryDelayMs } from '../../src/notify/deliver';
import { createTwilioSenders } from '../../src/notify/twilio';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startFakeTwilio } from '../helpers/loopback';

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

async function queued(id: string, phone: string) {
  await insertComplaint(database.db, { id, channel: 'web', body: 'x', customer: { phone, language: 'en' }, metadata: {}, submittedBy: { subject: 'shop', role: 'integrator' }, receivedAt: new Date().toISOString() }, `complaint-${id}`);
  await database.db.transaction((tx) => notifyTx(tx, { complaintId: id, seq: 2, at: new Date().toISOString(), template: 'acknowledgement', audience: 'customer' }));
  const [m] = await database.db.select().from(notifications).where(eq(notifications.complaintId, id));
  return m!;
}

describe('outbox delivery', () => {
  it('a transient failure (Twilio 503) waits with backoff, then the relay sends it exactly once', async () => {
    const m = await queued(`relay${Date.now().toString(36)}`, FLAKY);
    await deliverStep(database.db, senders(), m.complaintId, 2);
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
