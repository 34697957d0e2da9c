CREATE TABLE "training_examples" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"complaint_id" text NOT NULL,
	"task" text NOT NULL,
	"language" text,
	"text" text NOT NULL,
	"label" text NOT NULL,
	"previous_label" text,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "training_examples_task_idx" ON "training_examples" USING btree ("task","created_at");