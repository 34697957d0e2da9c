CREATE TABLE "taxonomy_versions" (
	"version" integer PRIMARY KEY NOT NULL,
	"document" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "category_confidence" real;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "needs_human_triage" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "taxonomy_version" integer;--> statement-breakpoint
CREATE INDEX "complaints_needs_human_triage_idx" ON "complaints" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "complaints"."needs_human_triage";