import type { Db } from '../src/db/client';
import { applyRetention } from '../src/db/queries/erasure';

const DAY_MS = 86_400_000;

export function createRetentionActivities({ db }: { db: Db }) {
  return {
    /** One batch of retention: redacts closed complaints older than `days`; returns how many. */
    async applyRetention(days: number): Promise<number> {
      return applyRetention(db, new Date(Date.now() - days * DAY_MS));
    },
  };
}
