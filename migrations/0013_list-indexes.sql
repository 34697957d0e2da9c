DROP INDEX "complaints_created_idx";--> statement-breakpoint
DROP INDEX "complaints_status_idx";--> statement-breakpoint
DROP INDEX "complaints_category_idx";--> statement-breakpoint
DROP INDEX "complaints_customer_idx";--> statement-breakpoint
DROP INDEX "complaints_submitted_by_idx";--> statement-breakpoint
DROP INDEX "alerts_created_idx";--> statement-breakpoint
DROP INDEX "kb_articles_status_idx";--> statement-breakpoint
CREATE INDEX "complaints_status_category_created_idx" ON "complaints" USING btree ("status","category","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "complaints_department_priority_created_idx" ON "complaints" USING btree ("department","priority","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "complaints_created_idx" ON "complaints" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "complaints_status_idx" ON "complaints" USING btree ("status","created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "complaints_category_idx" ON "complaints" USING btree ("category","created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "complaints_customer_idx" ON "complaints" USING btree ("customer_id","created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "complaints_submitted_by_idx" ON "complaints" USING btree ("submitted_by","created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "alerts_created_idx" ON "alerts" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "kb_articles_status_idx" ON "kb_articles" USING btree ("status","updated_at" DESC NULLS FIRST);