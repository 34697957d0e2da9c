import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDetectorActivities } from '../../activities/detector';
import { alerts } from '../../src/db/schema';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { seedComplaints } from '../helpers/seed-complaints';

// Issue 20 item 14: a fresh install has no past. Its first day's ordinary volume raised two
// volume-spike alerts ("expected 0.5", from the zeros before the install); no alert before a week.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.dispose();
});

describe('volume spikes on a fresh install', () => {
  it('raises no spike alert on the first days, and does once a week of history shows the day is out of line', async () => {
    const detector = createDetectorActivities({ db: database.db, outbox: { nudge: () => undefined } });
    const now = Date.parse('2026-03-11T12:00:00Z');
    const at = (ms: number) => new Date(now - ms).toISOString();
    // Day one: 12 billing and 8 delivery complaints in the ten hours since the install.
    await seedComplaints(database.db, [
      ...Array.from({ length: 12 }, (_, i) => ({ id: `b${i}`, category: 'billing', createdAt: at((i + 1) * 45 * 60_000) })),
      ...Array.from({ length: 8 }, (_, i) => ({ id: `d${i}`, category: 'delivery', createdAt: at((i + 1) * 70 * 60_000) })),
    ]);
    expect(await detector.detectVolumeSpikes(now)).toEqual([]);
    // Six days later, still short of a week: a quiet history, and a busy day still alerts nothing.
    const later = now + 6 * DAY;
    await seedComplaints(database.db, Array.from({ length: 30 }, (_, i) => ({ id: `l${i}`, category: 'billing', createdAt: new Date(later - (i + 1) * 10 * 60_000).toISOString() })));
    expect(await detector.detectVolumeSpikes(later)).toEqual([]);
    expect(await database.db.select().from(alerts)).toEqual([]);
    // With a week behind it, the same kind of burst is a spike.
    const week = now + 8 * DAY;
    await seedComplaints(database.db, Array.from({ length: 30 }, (_, i) => ({ id: `w${i}`, category: 'billing', createdAt: new Date(week - (i + 1) * 10 * 60_000).toISOString() })));
    expect(await detector.detectVolumeSpikes(week)).toHaveLength(1);
  });
});
