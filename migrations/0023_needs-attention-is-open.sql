-- Why: a complaint whose processing failed for good waits in the status needs_attention (issue 20)
-- until a supervisor retries it: it is still open, and the summary's open complaints by escalation
-- level must count it. The rollup's `open` dimension counted the five open statuses of 0017; this is
-- 0017's complaint_stats_of with needs_attention among them. No complaint had that status before
-- this release, so there is nothing to backfill.
CREATE OR REPLACE FUNCTION complaint_stats_of(plus complaints[], minus complaints[])
RETURNS SETOF complaint_daily_stats
LANGUAGE sql STABLE AS $$
  WITH signed AS (
    SELECT c, 1 AS sign FROM unnest(plus) c
    UNION ALL SELECT c, -1 FROM unnest(minus) c
  ),
  -- One row of facts per complaint first: a field of a composite is unpacked on every access, so
  -- reading them once (materialised, or the planner would inline them into the fan-out) and fanning
  -- out to the seven dimensions afterwards is several times cheaper.
  per AS MATERIALIZED (
    SELECT ((c).created_at AT TIME ZONE 'UTC')::date AS day, sign,
      complaint_stats_bucket(extract(epoch FROM (c).first_responded_at - (c).created_at)::double precision) AS frt_b,
      complaint_stats_bucket(extract(epoch FROM (c).resolved_at - (c).created_at)::double precision) AS res_b,
      ((c).breached OR (c).status IN ('resolved', 'closed')) AS decided,
      (c).breached AS breached, (c).survey_score AS score,
      ((c).resolved_at IS NOT NULL OR (c).reopen_count > 0) AS ever_resolved, (c).reopen_count > 0 AS reopened,
      coalesce((c).category, 'untriaged') AS category, (c).channel AS channel, coalesce((c).department, 'none') AS department,
      coalesce((c).assignee, 'unassigned') AS handler, coalesce((c).priority, 'none') AS priority,
      CASE WHEN (c).status IN ('received', 'triaged', 'assigned', 'in_progress', 'pending_customer', 'needs_attention') THEN (c).escalation_level::text END AS open_level
    FROM signed
  ),
  facts AS (
    SELECT per.*, v.dim, v.key
    FROM per CROSS JOIN LATERAL (VALUES ('all', ''), ('category', category), ('channel', channel),
      ('department', department), ('handler', handler), ('priority', priority), ('open', open_level)) v(dim, key)
    WHERE v.key IS NOT NULL -- only open complaints have an `open` row
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
