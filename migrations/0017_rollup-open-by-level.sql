-- Why: the summary's snapshot of open complaints by escalation level counted them through the partial
-- index complaints_open_escalation_idx: at 1M complaints, 172k of them open, 18 ms of every summary,
-- growing with the backlog. The rollup now carries it as one more dimension, `open`, keyed by
-- escalation level and counted only while a complaint is open, so the snapshot is the sum of a few
-- hundred rollup rows, exact and folded like the others. The index served nothing else.
--
-- No complaint may change while the triggers are replaced and the open ones backfilled: one written
-- by the old trigger after the backfill's snapshot would never get its `open` row. SHARE blocks
-- writers (after waiting for those in flight) until this migration commits, and lets readers on.
LOCK TABLE complaints IN SHARE MODE;
--> statement-breakpoint
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
      CASE WHEN (c).status IN ('received', 'triaged', 'assigned', 'in_progress', 'pending_customer') THEN (c).escalation_level::text END AS open_level
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
--> statement-breakpoint
-- As 0015 wrote it, with escalation_level among the counted columns.
CREATE OR REPLACE FUNCTION complaint_stats_apply() RETURNS trigger
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
        WHERE ROW(o.created_at, o.category, o.channel, o.department, o.assignee, o.priority, o.first_responded_at, o.resolved_at, o.breached, o.status, o.survey_score, o.reopen_count, o.escalation_level)
          IS DISTINCT FROM ROW(n.created_at, n.category, n.channel, n.department, n.assignee, n.priority, n.first_responded_at, n.resolved_at, n.breached, n.status, n.survey_score, n.reopen_count, n.escalation_level)
      ) x GROUP BY g
    LOOP
      PERFORM complaint_stats_merge(plus, minus);
    END LOOP;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Backfill the open complaints' rows as deltas (the next fold moves them in), a month of creation at
-- a time to bound memory, as 0015's backfill does.
DO $$
DECLARE m date;
BEGIN
  FOR m IN SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC')::date FROM complaints LOOP
    INSERT INTO complaint_stats_deltas
    SELECT * FROM complaint_stats_of(array(
      SELECT c FROM complaints c
      WHERE (c.created_at AT TIME ZONE 'UTC') >= m AND (c.created_at AT TIME ZONE 'UTC') < m + interval '1 month'
        AND c.status IN ('received', 'triaged', 'assigned', 'in_progress', 'pending_customer')), '{}') d
    WHERE d.dim = 'open';
  END LOOP;
END $$;
--> statement-breakpoint
DROP INDEX "complaints_open_escalation_idx";
