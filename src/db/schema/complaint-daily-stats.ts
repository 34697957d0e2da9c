import { date, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/** The additive figures of a set of complaints, per UTC day of creation, dimension and key. */
const statsColumns = () => ({
  day: date('day', { mode: 'string' }).notNull(),
  dim: text('dim').notNull(),
  key: text('key').notNull(),
  n: integer('n').notNull(),
  decided: integer('decided').notNull(),
  kept: integer('kept').notNull(),
  satSum: integer('sat_sum').notNull(),
  s1: integer('s1').notNull(),
  s2: integer('s2').notNull(),
  s3: integer('s3').notNull(),
  s4: integer('s4').notNull(),
  s5: integer('s5').notNull(),
  everResolved: integer('ever_resolved').notNull(),
  reopened: integer('reopened').notNull(),
  frtHist: jsonb('frt_hist').$type<Record<string, number>>().notNull(),
  resHist: jsonb('res_hist').$type<Record<string, number>>().notNull(),
});

/**
 * Analytics rollup: the summary's additive figures per UTC day of creation, per dimension and key
 * (`all`/'' for the totals; `category`, `channel`, `department`, `handler`, `priority` for the
 * groups). Durations are log-scale histograms, `{bucket: count}`, from which large ranges estimate
 * their percentiles (src/analytics/histogram.ts). Written only by complaint_stats_fold() (migration
 * 0016), which moves the pending deltas in; readers add the deltas not yet folded.
 */
export const complaintDailyStats = pgTable(
  'complaint_daily_stats',
  statsColumns(),
  // A summary reads one dimension over a run of days: the key leads with both.
  (t) => [primaryKey({ columns: [t.dim, t.day, t.key] })],
);

/**
 * The rollup's pending changes, appended by statement-level triggers on `complaints` (migrations
 * 0015, 0016): nothing in the application writes them, so no write path can forget one. An append
 * takes no lock another writer waits on, where updating the rollup row of today in every transaction
 * serialised all intake on it. Folded into `complaint_daily_stats` every few seconds.
 */
export const complaintStatsDeltas = pgTable('complaint_stats_deltas', statsColumns());
