CREATE TABLE "complaints" (
	"id" text PRIMARY KEY NOT NULL,
	"workflow_id" text NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"channel" text NOT NULL,
	"subject" text,
	"body" text NOT NULL,
	"customer_id" text,
	"customer_name" text,
	"customer_email" text,
	"customer_phone" text,
	"customer_language" text,
	"external_ref" text,
	"submitted_by" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"language" text,
	"category" text,
	"intent" text,
	"priority" text,
	"priority_reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sentiment_label" text,
	"sentiment_score" real,
	"keywords" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"summary" text,
	"department" text,
	"assignee" text,
	"resolution" text,
	"first_response_due_at" timestamp with time zone,
	"resolution_due_at" timestamp with time zone,
	"paused_ms" bigint DEFAULT 0 NOT NULL,
	"breached" boolean DEFAULT false NOT NULL,
	"escalation_level" integer DEFAULT 0 NOT NULL,
	"survey_status" text,
	"survey_score" integer,
	"occurred_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"assigned_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "complaint_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"complaint_id" text NOT NULL,
	"seq" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"type" text NOT NULL,
	"actor" text NOT NULL,
	"role" text NOT NULL,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "departments" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"name_zh" text,
	"categories" text[] DEFAULT '{}' NOT NULL,
	"escalation_contacts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "handlers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"phone" text,
	"department_id" text NOT NULL,
	"skills" text[] DEFAULT '{}' NOT NULL,
	"languages" text[] DEFAULT '{}' NOT NULL,
	"capacity" integer NOT NULL,
	"open_count" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"last_assigned_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "handlers_capacity_positive" CHECK ("handlers"."capacity" >= 0),
	CONSTRAINT "handlers_open_count_range" CHECK ("handlers"."open_count" >= 0)
);
--> statement-breakpoint
ALTER TABLE "complaint_events" ADD CONSTRAINT "complaint_events_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "public"."complaints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handlers" ADD CONSTRAINT "handlers_department_id_departments_id_fk" FOREIGN KEY ("department_id") REFERENCES "public"."departments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "complaints_created_idx" ON "complaints" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "complaints_status_idx" ON "complaints" USING btree ("status","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "complaints_category_idx" ON "complaints" USING btree ("category","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "complaints_assignee_idx" ON "complaints" USING btree ("assignee","status");--> statement-breakpoint
CREATE INDEX "complaints_department_idx" ON "complaints" USING btree ("department","status");--> statement-breakpoint
CREATE INDEX "complaints_customer_idx" ON "complaints" USING btree ("customer_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "complaints_submitted_by_idx" ON "complaints" USING btree ("submitted_by","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "complaints_external_ref_idx" ON "complaints" USING btree ("channel","external_ref") WHERE "complaints"."external_ref" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "complaint_events_seq_idx" ON "complaint_events" USING btree ("complaint_id","seq");--> statement-breakpoint
CREATE INDEX "complaint_events_at_idx" ON "complaint_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "handlers_department_idx" ON "handlers" USING btree ("department_id","active");