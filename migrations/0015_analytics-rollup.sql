CREATE TABLE "complaint_daily_stats" (
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
	"res_hist" jsonb NOT NULL,
	CONSTRAINT "complaint_daily_stats_dim_day_key_pk" PRIMARY KEY("dim","day","key")
);
--> statement-breakpoint
CREATE INDEX "complaints_open_escalation_idx" ON "complaints" USING btree ("escalation_level") WHERE "complaints"."status" in ('received', 'triaged', 'assigned', 'in_progress', 'pending_customer');--> statement-breakpoint
-- Log-scale bucket of a duration in seconds: 0 holds [0, 1) (and any negative skew), bucket b ≥ 1
-- holds [2^((b-1)/16), 2^(b/16)), so a bucket is 4.4 % wide. src/analytics/histogram.ts mirrors it.
CREATE FUNCTION complaint_stats_bucket(seconds double precision) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN seconds IS NULL THEN NULL WHEN seconds < 1 THEN 0 ELSE floor(16 * ln(seconds) / ln(2))::int + 1 END
$$;
--> statement-breakpoint
-- Sum of two histograms ({bucket: count}); buckets that reach zero are dropped.
CREATE FUNCTION complaint_stats_hist_add(a jsonb, b jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_object_agg(k, v) FILTER (WHERE v <> 0), '{}'::jsonb)
  FROM (SELECT k, sum(v::int) AS v FROM (SELECT * FROM jsonb_each_text(a) UNION ALL SELECT * FROM jsonb_each_text(b)) x(k, v) GROUP BY k) y
$$;
--> statement-breakpoint
-- The rollup rows of a set of complaints, counted +1 (plus) or -1 (minus): one row per UTC day of
-- creation, dimension and key. The same function feeds the triggers, the backfill and the summary's
-- partial days at the edges of a range, so the three can never count differently.
CREATE FUNCTION complaint_stats_of(plus complaints[], minus complaints[])
RETURNS SETOF complaint_daily_stats
LANGUAGE sql STABLE AS $$
  WITH signed AS (
    SELECT c, 1 AS sign FROM unnest(plus) c
    UNION ALL SELECT c, -1 FROM unnest(minus) c
  ),
  -- One row of facts per complaint first: a field of a composite is unpacked on every access, so
  -- reading them once (materialised, or the planner would inline them into the fan-out) and fanning
  -- out to the six dimensions afterwards is several times cheaper.
  per AS MATERIALIZED (
    SELECT ((c).created_at AT TIME ZONE 'UTC')::date AS day, sign,
      complaint_stats_bucket(extract(epoch FROM (c).first_responded_at - (c).created_at)::double precision) AS frt_b,
      complaint_stats_bucket(extract(epoch FROM (c).resolved_at - (c).created_at)::double precision) AS res_b,
      ((c).breached OR (c).status IN ('resolved', 'closed')) AS decided,
      (c).breached AS breached, (c).survey_score AS score,
      ((c).resolved_at IS NOT NULL OR (c).reopen_count > 0) AS ever_resolved, (c).reopen_count > 0 AS reopened,
      coalesce((c).category, 'untriaged') AS category, (c).channel AS channel, coalesce((c).department, 'none') AS department,
      coalesce((c).assignee, 'unassigned') AS handler, coalesce((c).priority, 'none') AS priority
    FROM signed
  ),
  facts AS (
    SELECT per.*, v.dim, v.key
    FROM per CROSS JOIN LATERAL (VALUES ('all', ''), ('category', category), ('channel', channel),
      ('department', department), ('handler', handler), ('priority', priority)) v(dim, key)
  ),
  counts AS (
    SELECT day, dim, key, sum(sign)::int AS n,
      coalesce(sum(sign) FILTER (WHERE decided), 0)::int AS decided,
      coalesce(sum(sign) FILTER (WHERE decided AND NOT breached), 0)::int AS kept,
      coalesce(sum(sign * score), 0)::int AS sat_sum,
      coalesce(sum(sign) FILTER (WHERE score = 1), 0)::int AS s1, coalesce(sum(sign) FILTER (WHERE score = 2), 0)::int AS s2,
      coalesce(sum(sign) FILTER (WHERE score = 3), 0)::int AS s3, coalesce(sum(sign) FILTER (WHERE score = 4), 0)::int AS s4,
      coalesce(sum(sign) FILTER (WHERE score = 5), 0)::int AS s5,
      coalesce(sum(sign) FILTER (WHERE ever_resolved), 0)::int AS ever_resolved,
      coalesce(sum(sign) FILTER (WHERE reopened), 0)::int AS reopened
    FROM facts GROUP BY day, dim, key
  ),
  frt AS (
    SELECT day, dim, key, jsonb_object_agg(b, c) FILTER (WHERE c <> 0) AS h
    FROM (SELECT day, dim, key, frt_b AS b, sum(sign) AS c FROM facts WHERE frt_b IS NOT NULL GROUP BY 1, 2, 3, 4) x GROUP BY 1, 2, 3
  ),
  res AS (
    SELECT day, dim, key, jsonb_object_agg(b, c) FILTER (WHERE c <> 0) AS h
    FROM (SELECT day, dim, key, res_b AS b, sum(sign) AS c FROM facts WHERE res_b IS NOT NULL GROUP BY 1, 2, 3, 4) x GROUP BY 1, 2, 3
  )
  SELECT counts.day, counts.dim, counts.key, n, decided, kept, sat_sum, s1, s2, s3, s4, s5, ever_resolved, reopened,
    coalesce(frt.h, '{}'::jsonb), coalesce(res.h, '{}'::jsonb)
  FROM counts LEFT JOIN frt USING (day, dim, key) LEFT JOIN res USING (day, dim, key)
$$;
--> statement-breakpoint
-- Adds the deltas to the rollup in one statement, in key order: two transactions touching the same
-- rollup rows take their locks in the same order and so cannot deadlock on them.
CREATE FUNCTION complaint_stats_merge(plus complaints[], minus complaints[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  -- PL/pgSQL, not SQL: its plan is cached per session, where a SQL function is planned on every call.
  INSERT INTO complaint_daily_stats AS s
  SELECT * FROM complaint_stats_of(plus, minus) ORDER BY dim, day, key
  ON CONFLICT (dim, day, key) DO UPDATE SET
    n = s.n + excluded.n, decided = s.decided + excluded.decided, kept = s.kept + excluded.kept,
    sat_sum = s.sat_sum + excluded.sat_sum, s1 = s.s1 + excluded.s1, s2 = s.s2 + excluded.s2,
    s3 = s.s3 + excluded.s3, s4 = s.s4 + excluded.s4, s5 = s.s5 + excluded.s5,
    ever_resolved = s.ever_resolved + excluded.ever_resolved, reopened = s.reopened + excluded.reopened,
    frt_hist = complaint_stats_hist_add(s.frt_hist, excluded.frt_hist),
    res_hist = complaint_stats_hist_add(s.res_hist, excluded.res_hist);
END;
$$;
--> statement-breakpoint
-- Statement-level with transition tables: a bulk load is one aggregate, not a million row triggers.
-- An update counts only the rows whose counted columns changed, so the frequent writes that touch
-- nothing counted (suggestions, search terms, due dates) cost a comparison and no lock.
CREATE FUNCTION complaint_stats_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE plus complaints[]; minus complaints[];
BEGIN
  -- In chunks of 20,000 rows, so a bulk load or sweep never builds one array near PostgreSQL's 1 GB limit.
  IF TG_OP = 'INSERT' THEN
    FOR plus IN SELECT array_agg(n) FROM (SELECT n::complaints AS n, (row_number() OVER ()) / 20000 AS g FROM new_rows n) x GROUP BY g LOOP
      PERFORM complaint_stats_merge(plus, '{}');
    END LOOP;
  ELSIF TG_OP = 'DELETE' THEN
    FOR minus IN SELECT array_agg(o) FROM (SELECT o::complaints AS o, (row_number() OVER ()) / 20000 AS g FROM old_rows o) x GROUP BY g LOOP
      PERFORM complaint_stats_merge('{}', minus);
    END LOOP;
  ELSE
    FOR plus, minus IN
      SELECT array_agg(n), array_agg(o) FROM (
        SELECT n::complaints AS n, o::complaints AS o, (row_number() OVER ()) / 20000 AS g
        FROM new_rows n JOIN old_rows o USING (id)
        WHERE ROW(o.created_at, o.category, o.channel, o.department, o.assignee, o.priority, o.first_responded_at, o.resolved_at, o.breached, o.status, o.survey_score, o.reopen_count)
          IS DISTINCT FROM ROW(n.created_at, n.category, n.channel, n.department, n.assignee, n.priority, n.first_responded_at, n.resolved_at, n.breached, n.status, n.survey_score, n.reopen_count)
      ) x GROUP BY g
    LOOP
      PERFORM complaint_stats_merge(plus, minus);
    END LOOP;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER complaints_stats_insert AFTER INSERT ON complaints
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION complaint_stats_apply();
--> statement-breakpoint
CREATE TRIGGER complaints_stats_update AFTER UPDATE ON complaints
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION complaint_stats_apply();
--> statement-breakpoint
CREATE TRIGGER complaints_stats_delete AFTER DELETE ON complaints
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION complaint_stats_apply();
--> statement-breakpoint
-- Backfill from the complaints already there, a month of creation at a time to bound memory.
DO $$
DECLARE m date;
BEGIN
  FOR m IN SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC')::date FROM complaints LOOP
    PERFORM complaint_stats_merge(array(SELECT c FROM complaints c WHERE (c.created_at AT TIME ZONE 'UTC') >= m AND (c.created_at AT TIME ZONE 'UTC') < m + interval '1 month'), '{}');
  END LOOP;
END $$;
