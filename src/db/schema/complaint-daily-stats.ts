import { date, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/**
 * Analytics rollup: the summary's additive figures per UTC day of creation, per dimension and key
 * (`all`/'' for the totals; `category`, `channel`, `department`, `handler`, `priority` for the
 * groups). Kept exact by statement-level triggers on `complaints` (migration 0015): nothing in the
 * application writes it, so no write path can forget it. Durations are log-scale histograms,
 * `{bucket: count}`, from which large ranges estimate their percentiles (src/analytics/histogram.ts).
 */
export const complaintDailyStats = pgTable(
  'complaint_daily_stats',
  {
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
  },
  // A summary reads one dimension over a run of days: the key leads with both.
  (t) => [primaryKey({ columns: [t.dim, t.day, t.key] })],
);
