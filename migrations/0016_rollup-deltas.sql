CREATE TABLE "complaint_stats_deltas" (
	"day" date NOT NULL,
	"dim" text NOT NULL,
	"key" text NOT NULL,
	"n" integer NOT NULL,
	"decided" integer NOT NULL,
	"kept" integer NOT NULL,
	"sat_sum" integer NOT NULL,
	"s1" integer NOT NULL,
	"s2" integer NOT NULL,
	"s3" integer NOT NULL,
	"s4" integer NOT NULL,
	"s5" integer NOT NULL,
	"ever_resolved" integer NOT NULL,
	"reopened" integer NOT NULL,
	"frt_hist" jsonb NOT NULL,
	"res_hist" jsonb NOT NULL
);
--> statement-breakpoint
-- Why: 0015's triggers added every change straight into the rollup, so each transaction that wrote a
-- complaint held the lock on today's `all` row (and its channel's, category's ...) until it committed,
-- and all intake, triage and assignment queued behind one another there. Now the triggers only append
-- their deltas, which takes no lock another writer waits for, and complaint_stats_fold() moves them
-- into the rollup every few seconds in one short transaction. Readers add the deltas not yet folded.
CREATE AGGREGATE complaint_stats_hist_sum(jsonb) (SFUNC = complaint_stats_hist_add, STYPE = jsonb, INITCOND = '{}');
--> statement-breakpoint
-- 0015's triggers call this for every change; it now appends the deltas of a set of complaints
-- counted +1 (plus) or -1 (minus) instead of merging them into the rollup (the name stays so the
-- trigger function stays as 0015 wrote it). Rows that change nothing (a status change within the same
-- counted state, a key swapped out and back) are left out.
CREATE OR REPLACE FUNCTION complaint_stats_merge(plus complaints[], minus complaints[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO complaint_stats_deltas
  SELECT * FROM complaint_stats_of(plus, minus) d
  WHERE d.n <> 0 OR d.decided <> 0 OR d.kept <> 0 OR d.sat_sum <> 0 OR d.s1 <> 0 OR d.s2 <> 0 OR d.s3 <> 0
    OR d.s4 <> 0 OR d.s5 <> 0 OR d.ever_resolved <> 0 OR d.reopened <> 0 OR d.frt_hist <> '{}' OR d.res_hist <> '{}';
END;
$$;
--> statement-breakpoint
-- Moves every committed delta into the rollup, summed per row, in key order (two folds could not
-- deadlock, but only one runs at a time: the others return 0 at once). Deltas of transactions still
-- open are not visible to the DELETE and wait for the next fold. Returns the rollup rows it changed.
CREATE FUNCTION complaint_stats_fold() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE folded integer;
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('complaint_stats_fold')) THEN
    RETURN 0;
  END IF;
  WITH moved AS (DELETE FROM complaint_stats_deltas RETURNING *)
  INSERT INTO complaint_daily_stats AS s
  SELECT day, dim, key, sum(n)::int, sum(decided)::int, sum(kept)::int, sum(sat_sum)::int, sum(s1)::int, sum(s2)::int,
    sum(s3)::int, sum(s4)::int, sum(s5)::int, sum(ever_resolved)::int, sum(reopened)::int,
    complaint_stats_hist_sum(frt_hist), complaint_stats_hist_sum(res_hist)
  FROM moved GROUP BY day, dim, key ORDER BY dim, day, key
  ON CONFLICT (dim, day, key) DO UPDATE SET
    n = s.n + excluded.n, decided = s.decided + excluded.decided, kept = s.kept + excluded.kept,
    sat_sum = s.sat_sum + excluded.sat_sum, s1 = s.s1 + excluded.s1, s2 = s.s2 + excluded.s2,
    s3 = s.s3 + excluded.s3, s4 = s.s4 + excluded.s4, s5 = s.s5 + excluded.s5,
    ever_resolved = s.ever_resolved + excluded.ever_resolved, reopened = s.reopened + excluded.reopened,
    frt_hist = complaint_stats_hist_add(s.frt_hist, excluded.frt_hist),
    res_hist = complaint_stats_hist_add(s.res_hist, excluded.res_hist);
  GET DIAGNOSTICS folded = ROW_COUNT;
  RETURN folded;
END;
$$;
