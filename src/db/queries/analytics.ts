import { and, asc, desc, eq, gte, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { alerts, complaints, surveys, type AlertRow } from '../schema';
import { openByEscalationLevel, rollupCountAround, rollupSummary, wholeDays } from './analytics-rollup';

export const GROUP_BY = ['category', 'channel', 'department', 'handler', 'priority'] as const;
export type GroupBy = (typeof GROUP_BY)[number];
export type Interval = 'day' | 'week';

export const groupColumn: Record<GroupBy, SQL> = {
  category: sql`coalesce(${complaints.category}, 'untriaged')`,
  channel: sql`${complaints.channel}`,
  department: sql`coalesce(${complaints.department}, 'none')`,
  handler: sql`coalesce(${complaints.assignee}, 'unassigned')`,
  priority: sql`coalesce(${complaints.priority}, 'none')`,
};

export interface Metrics {
  count: number;
  firstResponseSeconds: { median: number | null; p90: number | null };
  resolutionSeconds: { median: number | null; p90: number | null };
  /** Share (0..1) of complaints whose SLA outcome is known (breached, or resolved/closed) that kept it. */
  slaCompliance: number | null;
  satisfaction: { average: number | null; responses: number; distribution: Record<'1' | '2' | '3' | '4' | '5', number> };
  /** Share (0..1) of complaints ever resolved that were reopened. */
  reopenRate: number | null;
}

// Durations in seconds; percentile_cont is the same interpolating percentile on PGlite and PostgreSQL.
export const FRT = sql`extract(epoch from (${complaints.firstRespondedAt} - ${complaints.createdAt}))`;
export const RES = sql`extract(epoch from (${complaints.resolvedAt} - ${complaints.createdAt}))`;
const DECIDED = sql`(${complaints.breached} or ${complaints.status} in ('resolved', 'closed'))`;
const EVER_RESOLVED = sql`(${complaints.resolvedAt} is not null or ${complaints.reopenCount} > 0)`;

/** The additive figures: the rollup sums them across days and groups, so they are the same on both paths. */
export const countColumns = {
  count: sql<number>`count(*)::int`,
  decided: sql<number>`(count(*) filter (where ${DECIDED}))::int`,
  kept: sql<number>`(count(*) filter (where ${DECIDED} and not ${complaints.breached}))::int`,
  satSum: sql<number>`coalesce(sum(${complaints.surveyScore}), 0)::int`,
  s1: sql<number>`(count(*) filter (where ${complaints.surveyScore} = 1))::int`,
  s2: sql<number>`(count(*) filter (where ${complaints.surveyScore} = 2))::int`,
  s3: sql<number>`(count(*) filter (where ${complaints.surveyScore} = 3))::int`,
  s4: sql<number>`(count(*) filter (where ${complaints.surveyScore} = 4))::int`,
  s5: sql<number>`(count(*) filter (where ${complaints.surveyScore} = 5))::int`,
  everResolved: sql<number>`(count(*) filter (where ${EVER_RESOLVED}))::int`,
  reopened: sql<number>`(count(*) filter (where ${complaints.reopenCount} > 0))::int`,
};

const metricColumns = {
  ...countColumns,
  frtMedian: sql<number | null>`(percentile_cont(0.5) within group (order by ${FRT}) filter (where ${complaints.firstRespondedAt} is not null))::float8`,
  frtP90: sql<number | null>`(percentile_cont(0.9) within group (order by ${FRT}) filter (where ${complaints.firstRespondedAt} is not null))::float8`,
  resMedian: sql<number | null>`(percentile_cont(0.5) within group (order by ${RES}) filter (where ${complaints.resolvedAt} is not null))::float8`,
  resP90: sql<number | null>`(percentile_cont(0.9) within group (order by ${RES}) filter (where ${complaints.resolvedAt} is not null))::float8`,
  satAvg: sql<number | null>`(avg(${complaints.surveyScore}))::float8`,
};

type MetricRow = { [K in keyof typeof metricColumns]: (typeof metricColumns)[K]['_']['type'] };

// postgres-js may hand back numeric strings where PGlite gives numbers; one conversion for both.
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);

/** The additive figures of a set of complaints, as {@link countColumns} reads them or the rollup sums them. */
export type Counts = { [K in keyof typeof countColumns]: number };
type Percentiles = Metrics['firstResponseSeconds'];

/**
 * Metrics from the additive counts and the percentiles, however they were found (sorted exactly or
 * estimated from the rollup). `satAverage` defaults to the score sum over the responses.
 */
export function assembleMetrics(c: Counts, frt: Percentiles, res: Percentiles, satAverage?: number | null): Metrics {
  const distribution = { '1': Number(c.s1), '2': Number(c.s2), '3': Number(c.s3), '4': Number(c.s4), '5': Number(c.s5) };
  const responses = distribution['1'] + distribution['2'] + distribution['3'] + distribution['4'] + distribution['5'];
  return {
    count: Number(c.count),
    firstResponseSeconds: frt,
    resolutionSeconds: res,
    slaCompliance: ratio(Number(c.kept), Number(c.decided)),
    satisfaction: { average: satAverage === undefined ? ratio(Number(c.satSum), responses) : satAverage, responses, distribution },
    reopenRate: ratio(Number(c.reopened), Number(c.everResolved)),
  };
}

const toMetrics = (r: MetricRow): Metrics =>
  assembleMetrics(r, { median: num(r.frtMedian), p90: num(r.frtP90) }, { median: num(r.resMedian), p90: num(r.resP90) }, num(r.satAvg));

export interface AnalyticsRange {
  from: Date;
  to: Date;
}

function rangeWhere(r: AnalyticsRange, extra: SQL[] = []): SQL {
  return and(gte(complaints.createdAt, r.from), lt(complaints.createdAt, r.to), ...extra)!;
}

export interface Summary {
  totals: Metrics;
  series: { period: string; count: number }[];
  groups: ({ key: string } & Metrics)[];
  openByEscalationLevel: { level: number; count: number }[];
  /** `exact` from the complaints themselves; `estimated` percentiles from the daily rollup's histograms. */
  percentiles: 'exact' | 'estimated';
}

/**
 * Above this many complaints in a range, the summary reads the daily rollup (every count exact,
 * percentiles estimated within 4.4 %) instead of sorting every duration: at a million complaints the
 * exact path takes seconds, the rollup milliseconds.
 */
export const EXACT_SUMMARY_LIMIT = 20_000;

/**
 * Counts, handling times, SLA, satisfaction and reopen rate of the complaints created in [from, to),
 * per period (UTC day or ISO week start) and per group. Open complaints by escalation level are
 * as of now (a snapshot, not a range).
 */
export async function analyticsSummary(db: Db, r: AnalyticsRange, interval: Interval, by?: GroupBy, exactLimit = EXACT_SUMMARY_LIMIT): Promise<Summary> {
  const days = wholeDays(r);
  const estimated = days !== null && (await rollupCountAround(db, r)) > exactLimit;
  const [body, open] = await Promise.all([
    estimated ? rollupSummary(db, r, days, interval, by) : exactSummary(db, r, interval, by),
    openByEscalationLevel(db),
  ]);
  return { ...withEveryAnswer(body, await surveyAnswers(db, r, by)), openByEscalationLevel: open, percentiles: estimated ? 'estimated' : 'exact' };
}

type Satisfaction = Metrics['satisfaction'];
const NO_ANSWERS: Satisfaction = { average: null, responses: 0, distribution: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 } };

/**
 * Satisfaction from every survey answer of the complaints created in [from, to), in total (key '')
 * and per group. The complaint row keeps only its latest survey, and a reopen (which a low score
 * causes) clears it: counted from the rows, every low score vanished from the figures.
 */
async function surveyAnswers(db: Db, r: AnalyticsRange, by?: GroupBy): Promise<Map<string, Satisfaction>> {
  const columns = {
    n: sql<number>`count(*)::int`,
    avg: sql<number | null>`(avg(${surveys.score}))::float8`,
    ...Object.fromEntries([1, 2, 3, 4, 5].map((k) => [`s${k}`, sql<number>`(count(*) filter (where ${surveys.score} = ${sql.raw(String(k))}))::int`])),
  } as { n: SQL<number>; avg: SQL<number | null>; s1: SQL<number>; s2: SQL<number>; s3: SQL<number>; s4: SQL<number>; s5: SQL<number> };
  const answered = (q: ReturnType<typeof db.select>) => q.from(surveys).innerJoin(complaints, eq(complaints.id, surveys.complaintId)).where(rangeWhere(r, [sql`${surveys.score} is not null`]));
  const [totals, groups] = await Promise.all([
    answered(db.select({ key: sql<string>`''`, ...columns })),
    by ? answered(db.select({ key: groupColumn[by].mapWith(String), ...columns })).groupBy(groupColumn[by]) : Promise.resolve([]),
  ]);
  const out = new Map<string, Satisfaction>();
  for (const row of [...totals, ...groups] as Array<{ key: string; n: number; avg: number | null; s1: number; s2: number; s3: number; s4: number; s5: number }>) {
    out.set(row.key, { average: num(row.avg), responses: Number(row.n), distribution: { '1': Number(row.s1), '2': Number(row.s2), '3': Number(row.s3), '4': Number(row.s4), '5': Number(row.s5) } });
  }
  return out;
}

function withEveryAnswer(body: RangeFigures, answers: Map<string, Satisfaction>): RangeFigures {
  return {
    ...body,
    totals: { ...body.totals, satisfaction: answers.get('') ?? NO_ANSWERS },
    groups: body.groups.map((g) => ({ ...g, satisfaction: answers.get(g.key) ?? NO_ANSWERS })),
  };
}

type RangeFigures = Pick<Summary, 'totals' | 'series' | 'groups'>;

async function exactSummary(db: Db, r: AnalyticsRange, interval: Interval, by?: GroupBy): Promise<RangeFigures> {
  const where = rangeWhere(r);
  // The unit is inlined (it is one of two literals): a bound parameter would make the GROUP BY expression differ from the select's.
  const period = sql<string>`to_char(date_trunc(${sql.raw(interval === 'week' ? "'week'" : "'day'")}, ${complaints.createdAt} at time zone 'UTC'), 'YYYY-MM-DD')`;
  const [[totals], series, groups] = await Promise.all([
    db.select(metricColumns).from(complaints).where(where),
    db.select({ period, count: sql<number>`count(*)::int` }).from(complaints).where(where).groupBy(sql`1`).orderBy(sql`1`),
    by
      ? db
          .select({ key: groupColumn[by].mapWith(String), ...metricColumns })
          .from(complaints)
          .where(where)
          .groupBy(groupColumn[by])
          .orderBy(sql`count(*) desc`, groupColumn[by])
      : Promise.resolve([]),
  ]);
  return {
    totals: toMetrics(totals!),
    series: series.map((s) => ({ period: s.period, count: Number(s.count) })),
    groups: groups.map((g) => ({ key: g.key, ...toMetrics(g) })),
  };
}

/** Daily counts per category over [from, to), by UTC day; missing days are the caller's zeros. */
export async function dailyCategoryCounts(db: Db, r: AnalyticsRange): Promise<{ category: string; day: string; count: number }[]> {
  const day = sql<string>`to_char(date_trunc('day', ${complaints.createdAt} at time zone 'UTC'), 'YYYY-MM-DD')`;
  const rows = await db
    .select({ category: groupColumn.category.mapWith(String), day, count: sql<number>`count(*)::int` })
    .from(complaints)
    .where(rangeWhere(r))
    .groupBy(groupColumn.category, day);
  return rows.map((x) => ({ ...x, count: Number(x.count) }));
}

/** When the first complaint ever received was created (the service's install, for history lengths), or undefined. */
export async function firstComplaintAt(db: Db): Promise<Date | undefined> {
  const [row] = await db.select({ at: sql<string | null>`min(${complaints.createdAt})` }).from(complaints);
  return row?.at ? new Date(row.at) : undefined;
}

/** Counts per category of the `days` rolling 24-hour windows ending at `now` (daysAgo 0 = the last 24 h). */
export async function rollingCategoryCounts(db: Db, now: Date, days: number): Promise<{ category: string; daysAgo: number; count: number }[]> {
  const daysAgo = sql<number>`floor(extract(epoch from (${now.toISOString()}::timestamptz - ${complaints.createdAt})) / 86400)::int`;
  const rows = await db
    .select({ category: groupColumn.category.mapWith(String), daysAgo, count: sql<number>`count(*)::int` })
    .from(complaints)
    .where(rangeWhere({ from: new Date(now.getTime() - days * 86_400_000), to: new Date(now.getTime() + 1) }))
    .groupBy(sql`1, 2`); // by position: `now` is a parameter, and a repeated parameter is a different expression
  return rows.map((x) => ({ category: x.category, daysAgo: Number(x.daysAgo), count: Number(x.count) })).filter((x) => x.daysAgo >= 0 && x.daysAgo < days);
}

/** The keyword lists of complaints created in [from, to). */
export async function keywordLists(db: Db, r: AnalyticsRange): Promise<string[][]> {
  const rows = await db.select({ keywords: complaints.keywords }).from(complaints).where(rangeWhere(r));
  return rows.map((x) => x.keywords ?? []);
}

/** Texts of complaints created in [from, to), for near-duplicate clustering; erased texts are left out. */
export async function recentTexts(db: Db, r: AnalyticsRange, limit = 5000) {
  return db
    .select({ id: complaints.id, customerId: complaints.customerId, subject: complaints.subject, body: complaints.body, category: complaints.category })
    .from(complaints)
    .where(rangeWhere(r, [isNull(complaints.erasedAt)]))
    .orderBy(asc(complaints.createdAt), asc(complaints.id))
    .limit(limit);
}

export type NewAlert = Omit<typeof alerts.$inferInsert, 'id' | 'createdAt' | 'updatedAt' | 'acknowledgedAt' | 'acknowledgedBy'>;

/**
 * Raises an alert once per dedupe key. Seen again, the row's figures and complaints are refreshed
 * (a growing cluster) but it is not raised again. Returns the row and whether it is new.
 */
export async function upsertAlert(db: Db, a: NewAlert): Promise<{ alert: AlertRow; created: boolean }> {
  const inserted = await db.insert(alerts).values(a).onConflictDoNothing().returning();
  if (inserted[0]) return { alert: inserted[0], created: true };
  const [updated] = await db
    .update(alerts)
    .set({ observed: a.observed, expected: a.expected, pValue: a.pValue, complaintIds: a.complaintIds, windowEnd: a.windowEnd, summary: a.summary, updatedAt: new Date() })
    .where(eq(alerts.dedupeKey, a.dedupeKey))
    .returning();
  return { alert: updated!, created: false };
}

/** Alerts newest first, keyset-paged by id; `open` leaves out acknowledged ones. */
export async function listAlerts(db: Db, opts: { open?: boolean; limit: number; beforeId?: number }): Promise<AlertRow[]> {
  const conds = [opts.open ? isNull(alerts.acknowledgedAt) : undefined, opts.beforeId !== undefined ? lt(alerts.id, opts.beforeId) : undefined].filter((c) => c !== undefined);
  return db
    .select()
    .from(alerts)
    .where(conds.length ? and(...conds) : undefined)
    .orderBy(desc(alerts.id))
    .limit(opts.limit);
}

/** Acknowledges an alert; acknowledging twice keeps the first acknowledgement. */
export async function acknowledgeAlert(db: Db, id: number, by: string): Promise<AlertRow | undefined> {
  await db.update(alerts).set({ acknowledgedAt: new Date(), acknowledgedBy: by }).where(and(eq(alerts.id, id), isNull(alerts.acknowledgedAt)));
  const [row] = await db.select().from(alerts).where(eq(alerts.id, id));
  return row;
}

