-- Read-model rows as the workflows would have left them, written in one statement (no workflows run).
-- The two placeholders in generate_series are the first and last row numbers; every attribute is a pure function of the row number
-- (hashint8), so a run is reproducible and 1M rows take one pass. Spread: 90 days of created_at; old
-- complaints mostly closed, recent ones mostly open; category, priority and channel weighted as a
-- consumer business sees them.
insert into complaints (
  id, workflow_id, version, status, channel, body, customer_id, customer_language, submitted_by, language,
  category, priority, sentiment_label, sentiment_score, keywords, department, assignee, first_response_due_at,
  resolution_due_at, breached, escalation_level, first_responded_at, survey_status, survey_score,
  created_at, updated_at, assigned_at, resolved_at, closed_at
)
select
  'seed-' || i, 'complaint-seed-' || i, 6, status, channel, 'Seeded complaint number ' || i || ' about ' || category,
  'cust-' || (i % 40000), lang, 'bench-seed', lang, category, priority,
  case when u6 < 0.7 then 'negative' when u6 < 0.9 then 'neutral' else 'positive' end, (u6 * 2 - 1)::real,
  jsonb_build_array((array['refund', 'late', 'broken', 'rude', 'password', 'fee', 'damaged', 'crash'])[1 + floor(u7 * 8)::int]),
  department,
  case when status in ('received', 'triaged') then null else handler end,
  created + interval '8 hours', created + interval '3 days', u8 < 0.08, case when u8 < 0.03 then 1 else 0 end,
  case when status in ('in_progress', 'pending_customer', 'resolved', 'closed') then created + u9 * interval '8 hours' end,
  case when status = 'closed' and u10 < 0.4 then 'answered' when status in ('resolved', 'closed') then 'pending' end,
  case when status = 'closed' and u10 < 0.4 then 1 + floor(u10 / 0.4 * 5)::int end,
  created, created + interval '1 hour',
  case when status not in ('received', 'triaged', 'withdrawn') then created + u9 * interval '10 minutes' end,
  case when status in ('resolved', 'closed') then created + u9 * interval '3 days' end,
  case when status in ('closed', 'withdrawn') then created + u9 * interval '3 days' + interval '2 days' end
from (
  select i, u6, u7, u8, u9, u10, created,
    case when u3 < 0.25 then 'billing' when u3 < 0.55 then 'delivery' when u3 < 0.75 then 'product_quality' when u3 < 0.87 then 'service' when u3 < 0.95 then 'account' else 'general' end as category,
    case when u4 < 0.03 then 'P1' when u4 < 0.20 then 'P2' when u4 < 0.75 then 'P3' else 'P4' end as priority,
    case when u5 < 0.40 then 'web' when u5 < 0.60 then 'app' when u5 < 0.80 then 'email' when u5 < 0.85 then 'sms' when u5 < 0.95 then 'phone' else 'wechat' end as channel,
    case when u5 * 7 % 1 < 0.45 then 'zh' else 'en' end as lang,
    case when created < now() - interval '14 days'
      then case when u2 < 0.80 then 'closed' when u2 < 0.85 then 'resolved' when u2 < 0.93 then 'withdrawn' when u2 < 0.97 then 'in_progress' else 'assigned' end
      else case when u2 < 0.03 then 'received' when u2 < 0.08 then 'triaged' when u2 < 0.38 then 'assigned' when u2 < 0.63 then 'in_progress'
        when u2 < 0.73 then 'pending_customer' when u2 < 0.85 then 'resolved' when u2 < 0.95 then 'closed' else 'withdrawn' end
    end as status
  from (
    select i, u2, u3, u4, u5, u6, u7, u8, u9, u10, now() - u1 * interval '90 days' as created
    from (
      select i,
        (hashint8(i * 16 + 1) & 2147483647) / 2147483648.0 as u1, (hashint8(i * 16 + 2) & 2147483647) / 2147483648.0 as u2,
        (hashint8(i * 16 + 3) & 2147483647) / 2147483648.0 as u3, (hashint8(i * 16 + 4) & 2147483647) / 2147483648.0 as u4,
        (hashint8(i * 16 + 5) & 2147483647) / 2147483648.0 as u5, (hashint8(i * 16 + 6) & 2147483647) / 2147483648.0 as u6,
        (hashint8(i * 16 + 7) & 2147483647) / 2147483648.0 as u7, (hashint8(i * 16 + 8) & 2147483647) / 2147483648.0 as u8,
        (hashint8(i * 16 + 9) & 2147483647) / 2147483648.0 as u9, (hashint8(i * 16 + 10) & 2147483647) / 2147483648.0 as u10
      from generate_series({{from}}::bigint, {{to}}::bigint) as i
    ) hashed
  ) dated
) attributes
cross join lateral (
  select case category when 'billing' then 'billing' when 'delivery' then 'logistics' when 'product_quality' then 'quality' else 'customer-care' end as department
) dept
cross join lateral (
  select (case department when 'billing' then array['h-li', 'h-carol'] when 'logistics' then array['h-wang', 'h-dave'] when 'quality' then array['h-zhao', 'h-erin'] else array['h-alice', 'h-bob'] end)[1 + (i % 2)::int] as handler
) who;
