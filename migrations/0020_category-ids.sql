-- The shipped taxonomy (src/defaults/taxonomy.yml) renames three categories of the earlier fixed list:
-- service → service_attitude, account → account_access, general → other. Rows written before keep their
-- meaning under the new ids: the read model (its analytics rollup follows through its triggers),
-- corrections kept for training, handlers' skills and the departments' category lists (which the
-- taxonomy's seed then rewrites as its own projection).
UPDATE "complaints" SET "category" = CASE "category" WHEN 'service' THEN 'service_attitude' WHEN 'account' THEN 'account_access' ELSE 'other' END
  WHERE "category" IN ('service', 'account', 'general');--> statement-breakpoint
UPDATE "training_examples" SET "label" = CASE "label" WHEN 'service' THEN 'service_attitude' WHEN 'account' THEN 'account_access' ELSE 'other' END
  WHERE "task" = 'category' AND "label" IN ('service', 'account', 'general');--> statement-breakpoint
UPDATE "training_examples" SET "previous_label" = CASE "previous_label" WHEN 'service' THEN 'service_attitude' WHEN 'account' THEN 'account_access' ELSE 'other' END
  WHERE "task" = 'category' AND "previous_label" IN ('service', 'account', 'general');--> statement-breakpoint
UPDATE "handlers" SET "skills" = array_replace(array_replace(array_replace("skills", 'service', 'service_attitude'), 'account', 'account_access'), 'general', 'other')
  WHERE "skills" && ARRAY['service', 'account', 'general'];--> statement-breakpoint
UPDATE "departments" SET "categories" = array_replace(array_replace(array_replace("categories", 'service', 'service_attitude'), 'account', 'account_access'), 'general', 'other')
  WHERE "categories" && ARRAY['service', 'account', 'general'];
