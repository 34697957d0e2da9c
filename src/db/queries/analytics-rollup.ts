import { and, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { unionAll } from 'drizzle-orm/pg-core';
import { addInto, estimatePercentile, type Histogram } from '../../analytics/histogram';
import { queryRows, type Db } from '../client';
import { complaintDailyStats, complaints, complaintStatsDeltas } from '../schema';
import { assembleMetrics, countColumns, FRT, groupColumn, RES, type AnalyticsRange, type Counts, type GroupBy, type Interval, type Metrics, type Summary } from './analytics';

const DAY_MS = 86_400_000;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The UTC days lying wholly inside [from, to), as [first, end) ISO dates; null when there are none. */
export function wholeDays(r: AnalyticsRange): { first: string; end: string; firstMs: number; endMs: number } | null {
  const firstMs = Math.ceil(r.from.getTime() / DAY_MS) * DAY_MS;
  const endMs = Math.floor(r.to.getTime() / DAY_MS) * DAY_MS;
  return firstMs < endMs ? { first: isoDay(firstMs), end: isoDay(endMs), firstMs, endMs } : null;
}

/** Complaints created on the UTC days the range touches: at least the range's own count, read from the rollup. */
export async function rollupCountAround(db: Db, r: AnalyticsRange): Promise<number> {
  const from = isoDay(Math.floor(r.from.getTime() / DAY_MS) * DAY_MS);
  const to = isoDay(Math.ceil(r.to.getTime() / DAY_MS) * DAY_MS);
  const rows = await statsRows(db, (t) => and(sql`${t.dim} = 'all'`, gte(t.day, from), lt(t.day, to))!);
  return rows.reduce((n, x) => n + Number(x.n), 0);
}

type StatsTable = typeof complaintDailyStats | typeof complaintStatsDeltas;

/**
 * Open complaints by escalation level, as of now: the rollup's `open` dimension (migrations 0017, 0018)
 * summed over every day, with its pending deltas, in one statement.
 */
export async function openByEscalationLevel(db: Db): Promise<{ level: number; count: number }[]> {
  const rows = await queryRows<{ key: string; count: number }>(
    db,
    sql`select key, sum(n)::int as count
        from (select key, n from complaint_daily_stats where dim = 'open' union all select key, n from complaint_stats_deltas where dim = 'open') o
        group by key having sum(n) <> 0`,
  );
  return rows.map((x) => ({ level: Number(x.key), count: Number(x.count) })).sort((a, b) => a.level - b.level);
}

/**
 * Rollup rows and the deltas not yet folded into them, in one statement: one snapshot, so a fold
 * committing in between can neither count a delta twice nor lose it. Rows of one key may repeat.
 */
function statsRows(db: Db, where: (t: StatsTable) => SQL): Promise<StatsRow[]> {
  return unionAll(db.select().from(complaintDailyStats).where(where(complaintDailyStats)), db.select().from(complaintStatsDeltas).where(where(complaintStatsDeltas)));
}

/**
 * Moves the pending deltas into the rollup (complaint_stats_fold, migration 0016). Returns the rollup
 * rows changed; 0 when another process was folding at that moment.
 */
export async function foldRollup(db: Db): Promise<number> {
  const [row] = await queryRows<{ folded: number }>(db, sql`select complaint_stats_fold() as folded`);
  return Number(row?.folded ?? 0);
}

/**
 * Vacuums the delta table: it is a queue, every row inserted and soon deleted, and every summary scans
 * it. PGlite has no autovacuum, and PostgreSQL's waits for 20 % of a table that is nearly always empty:
 * 1M seeded complaints left 133k dead deltas (122 MB) that each summary read twice, 25 ms a time.
 * SKIP_LOCKED: a worker that finds another one vacuuming leaves it the job.
 */
export async function vacuumRollupDeltas(db: Db): Promise<void> {
  await db.execute(sql`vacuum (skip_locked) complaint_stats_deltas`);
}

/** The workers' periodic pass: fold the pending deltas in, and vacuum the queue at most every `vacuumEveryMs`. */
export function rollupFolder(db: Db, vacuumEveryMs: number, now: () => number = Date.now): () => Promise<void> {
  let vacuumedAt = now();
  return async () => {
    const folded = await foldRollup(db);
    if (folded === 0 || now() - vacuumedAt < vacuumEveryMs) return;
    vacuumedAt = now();
    await vacuumRollupDeltas(db);
  };
}

interface StatsRow {
  day: string;
  dim: string;
  key: string;
  n: number;
  decided: number;
  kept: number;
  satSum: number;
  s1: number;
  s2: number;
  s3: number;
  s4: number;
  s5: number;
  everResolved: number;
  reopened: number;
  frtHist: Histogram;
  resHist: Histogram;
}

type WholeDays = NonNullable<ReturnType<typeof wholeDays>>;

/** A stretch of a partial day at an edge of the range, counted from its complaints: added, or (-1) taken away. */
interface EdgePart {
  from: Date;
  to: Date;
  sign: 1 | -1;
}

/** What the rollup path reads: whole rollup days [first, end) and the edge stretches counted from complaints. */
interface RollupPlan {
  first: string;
  end: string;
  edges: EdgePart[];
}

/**
 * Each partial day at an edge of the range is read the cheaper way: its complaints inside the range,
 * or its whole rollup day less its complaints outside the range, whichever stretch spans less time
 * before `now` (no complaint is created later). The default range, the last 30 days to now, then
 * reads none of today's complaints and at most half a day at its start: 10.4k rows at 1M complaints
 * took 46 ms of the summary's 54.
 */
export function rollupPlan(r: AnalyticsRange, days: WholeDays, now: Date): RollupPlan {
  const span = (a: number, b: number): number => Math.max(0, Math.min(b, now.getTime()) - Math.min(a, now.getTime()));
  const [from, to] = [r.from.getTime(), r.to.getTime()];
  const plan = { first: days.first, end: days.end, edges: [] as EdgePart[] };
  if (from < days.firstMs) {
    const dayStart = days.firstMs - DAY_MS;
    if (span(dayStart, from) < span(from, days.firstMs)) {
      plan.first = isoDay(dayStart);
      plan.edges.push({ from: new Date(dayStart), to: r.from, sign: -1 });
    } else plan.edges.push({ from: r.from, to: new Date(days.firstMs), sign: 1 });
  }
  if (to > days.endMs) {
    const dayEnd = days.endMs + DAY_MS;
    if (span(to, dayEnd) < span(days.endMs, to)) {
      plan.end = isoDay(dayEnd);
      plan.edges.push({ from: r.to, to: new Date(dayEnd), sign: -1 });
    } else plan.edges.push({ from: new Date(days.endMs), to: r.to, sign: 1 });
  }
  return plan;
}

/**
 * The summary from the rollup: whole days from `complaint_daily_stats` and its pending deltas, the
 * partial days at either end as {@link rollupPlan} chose, counted from the complaints by the same SQL
 * function the triggers use. One read-only snapshot: a complaint changing between the reads would
 * otherwise be counted in one state and taken away in another.
 */
export async function rollupSummary(db: Db, r: AnalyticsRange, days: WholeDays, interval: Interval, by?: GroupBy): Promise<Pick<Summary, 'totals' | 'series' | 'groups'>> {
  const plan = rollupPlan(r, days, new Date());
  const dims = by ? ['all', by] : ['all'];
  const rows = await db.transaction(
    async (tx) => {
      const stored = await statsRows(tx, (t) => and(inArray(t.dim, dims), gte(t.day, plan.first), lt(t.day, plan.end))!);
      return [...stored, ...(await edgeRows(tx, plan.edges, by))];
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  const all = rows.filter((x) => x.dim === 'all');
  const groups = by ? groupBy(rows.filter((x) => x.dim === by)) : new Map<string, StatsRow[]>();
  return {
    totals: metricsOf(all),
    series: seriesOf(all, interval),
    groups: [...groups.entries()]
      .map(([key, g]) => ({ key, ...metricsOf(g) }))
      .filter((g) => g.count > 0) // a key every complaint has left (recategorised, reassigned) stays in the rollup at zero
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  };
}

/**
 * The edge stretches, counted from the complaints: one pass grouped by day, key and the two duration
 * buckets (grouping sets give the totals and the groups together), each group then added to the
 * histograms with its count, and negated on a day whose stretch is taken away. Same bucket function
 * and the same count columns as the rollup and the exact path.
 */
async function edgeRows(db: Db, edges: EdgePart[], by?: GroupBy): Promise<StatsRow[]> {
  if (edges.length === 0) return [];
  // Each edge lies in its own UTC day, so the day a row falls on names its sign.
  const signOf = new Map(edges.map((e) => [isoDay(Math.floor(e.from.getTime() / DAY_MS) * DAY_MS), e.sign]));
  const rows = await db
    .select({
      day: sql<string>`to_char(${complaints.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`,
      key: by ? sql<string | null>`${groupColumn[by]}` : sql<string | null>`null::text`,
      frtBucket: sql<number | null>`complaint_stats_bucket((${FRT})::float8)`,
      resBucket: sql<number | null>`complaint_stats_bucket((${RES})::float8)`,
      ...countColumns,
    })
    .from(complaints)
    .where(or(...edges.map((e) => and(gte(complaints.createdAt, e.from), lt(complaints.createdAt, e.to)))))
    // By position: the day, key and bucket expressions carry parameters, and a repeated parameter is a different expression.
    .groupBy(by ? sql`grouping sets ((1, 3, 4), (1, 2, 3, 4))` : sql`1, 3, 4`);
  return rows.map(({ day, key, frtBucket, resBucket, count, ...counts }) => {
    const sign = signOf.get(day) ?? 1;
    const n = sign * Number(count);
    return {
      ...(Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, sign * Number(v)])) as Omit<Counts, 'count'>),
      day,
      n,
      dim: key === null ? 'all' : by!,
      key: key ?? '',
      frtHist: frtBucket === null ? {} : { [frtBucket]: n },
      resHist: resBucket === null ? {} : { [resBucket]: n },
    };
  });
}

function groupBy(rows: StatsRow[]): Map<string, StatsRow[]> {
  const out = new Map<string, StatsRow[]>();
  for (const x of rows) {
    const group = out.get(x.key);
    if (group) group.push(x);
    else out.set(x.key, [x]);
  }
  return out;
}

function metricsOf(rows: StatsRow[]): Metrics {
  const sum = (k: keyof StatsRow): number => rows.reduce((s, x) => s + Number(x[k]), 0);
  const counts = Object.fromEntries(Object.keys(countColumns).map((k) => [k, sum(k === 'count' ? 'n' : (k as keyof StatsRow))])) as Counts;
  const frt = rows.reduce((h, x) => addInto(h, x.frtHist), {} as Histogram);
  const res = rows.reduce((h, x) => addInto(h, x.resHist), {} as Histogram);
  return assembleMetrics(counts, { median: estimatePercentile(frt, 0.5), p90: estimatePercentile(frt, 0.9) }, { median: estimatePercentile(res, 0.5), p90: estimatePercentile(res, 0.9) });
}

/** Counts per UTC day, or per ISO week named by its Monday, as the exact path's date_trunc gives them. */
function seriesOf(all: StatsRow[], interval: Interval): { period: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const x of all) {
    const period = interval === 'week' ? mondayOf(x.day) : x.day;
    counts.set(period, (counts.get(period) ?? 0) + Number(x.n));
  }
  return [...counts.entries()].filter(([, n]) => n !== 0).sort(([a], [b]) => (a < b ? -1 : 1)).map(([period, count]) => ({ period, count }));
}

function mondayOf(day: string): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  const sinceMonday = (new Date(ms).getUTCDay() + 6) % 7;
  return isoDay(ms - sinceMonday * DAY_MS);
}
