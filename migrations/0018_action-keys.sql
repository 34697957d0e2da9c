CREATE TABLE "action_keys" (
	"complaint_id" text NOT NULL,
	"key" text NOT NULL,
	"action" text NOT NULL,
	"actor" text NOT NULL,
	"fingerprint" text NOT NULL,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "action_keys_complaint_id_key_pk" PRIMARY KEY("complaint_id","key")
);
