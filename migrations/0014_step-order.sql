DROP INDEX "complaint_events_seq_idx";--> statement-breakpoint
ALTER TABLE "complaints" ALTER COLUMN "version" SET DATA TYPE bigint;--> statement-breakpoint
CREATE UNIQUE INDEX "complaint_events_step_idx" ON "complaint_events" USING btree ("complaint_id","seq","type");