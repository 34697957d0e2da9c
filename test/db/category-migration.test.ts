import { rmSync } from 'node:fs';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { foldRollup } from '../../src/db/queries/analytics-rollup';
import { seedTaxonomy } from '../../src/db/queries/taxonomy';
import { complaintDailyStats, complaints, departments, handlers, trainingExamples } from '../../src/db/schema';
import { loadRoutingFile } from '../../src/routing/routing-file';
import { loadTaxonomyFile } from '../../src/taxonomy/taxonomy';
import { createTestDatabase, migrationsBefore } from '../helpers/db';
import { seedComplaints } from '../helpers/seed-complaints';

describe('migration 0020: the old categories take the taxonomy ids', () => {
  it('complaints (with their analytics), corrections, skills and department lists move from service/account/general', async () => {
    const before = migrationsBefore('0018'); // the schema before this migrations
    const old = await createTestDatabase(loadRoutingFile(), before);
    try {
      const day = '2026-03-02T10:00:00.000Z';
      await seedComplaints(old.db, [
        { id: 'm1', createdAt: day, category: 'service', department: 'customer-care' },
        { id: 'm2', createdAt: day, category: 'account', department: 'customer-care' },
        { id: 'm3', createdAt: day, category: 'general', department: 'customer-care' },
        { id: 'm4', createdAt: day, category: 'billing' },
      ]);
      await old.db.insert(trainingExamples).values({ complaintId: 'm2', task: 'category', text: 't', label: 'account', previousLabel: 'general', actor: 'sup' });
      // As an earlier routing.yml seeded them.
      await old.db.update(handlers).set({ skills: ['service', 'account', 'general'] }).where(eq(handlers.id, 'h-alice'));
      await old.db.update(departments).set({ categories: ['service', 'account', 'general'] }).where(eq(departments.id, 'customer-care'));
      await foldRollup(old.db);

      await old.migrate();
      const rows = await old.db.select({ id: complaints.id, category: complaints.category }).from(complaints).orderBy(complaints.id);
      expect(rows).toEqual([
        { id: 'm1', category: 'service_attitude' },
        { id: 'm2', category: 'account_access' },
        { id: 'm3', category: 'other' },
        { id: 'm4', category: 'billing' },
      ]);
      expect(await old.db.select({ label: trainingExamples.label, previousLabel: trainingExamples.previousLabel }).from(trainingExamples)).toEqual([{ label: 'account_access', previousLabel: 'other' }]);
      expect((await old.db.select({ skills: handlers.skills }).from(handlers).where(eq(handlers.id, 'h-alice')))[0]!.skills).toEqual(['service_attitude', 'account_access', 'other']);
      expect((await old.db.select({ c: departments.categories }).from(departments).where(eq(departments.id, 'customer-care')))[0]!.c).toEqual(['service_attitude', 'account_access', 'other']);

      // The analytics rollup follows through its triggers: the counts moved to the new keys.
      await foldRollup(old.db);
      const byKey = async (key: string) =>
        Number((await old.db.select({ n: sql<number>`coalesce(sum(${complaintDailyStats.n}), 0)::int` }).from(complaintDailyStats).where(and(eq(complaintDailyStats.dim, 'category'), eq(complaintDailyStats.key, key))))[0]!.n);
      expect([await byKey('service'), await byKey('account'), await byKey('general')]).toEqual([0, 0, 0]);
      expect([await byKey('service_attitude'), await byKey('account_access'), await byKey('other'), await byKey('billing')]).toEqual([1, 1, 1, 1]);

      // Then the taxonomy's seed writes the departments' lists as its projection.
      expect(await seedTaxonomy(old.db, loadTaxonomyFile())).toBe(true);
      expect((await old.db.select({ c: departments.categories }).from(departments).where(eq(departments.id, 'trust-safety')))[0]!.c).toEqual(['fraud_security', 'privacy']);
    } finally {
      await old.dispose();
      rmSync(before, { recursive: true, force: true });
    }
  });
});
