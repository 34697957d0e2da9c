CREATE TABLE "taxonomy_models" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"taxonomy_version" integer NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"examples" integer NOT NULL,
	"corrections" integer NOT NULL,
	"held_back" integer DEFAULT 0 NOT NULL,
	"accuracy" real,
	"previous_accuracy" real,
	"decision" text NOT NULL,
	"model" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "taxonomy_models_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "complaints" ADD COLUMN "category_model" text;--> statement-breakpoint
CREATE UNIQUE INDEX "taxonomy_models_one_active_idx" ON "taxonomy_models" USING btree ("taxonomy_version") WHERE "taxonomy_models"."active";