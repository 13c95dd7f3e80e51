CREATE TABLE "workflow_events" (
	"run_id" text NOT NULL,
	"seq" integer NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"type" text NOT NULL,
	"state" text NOT NULL,
	"step_id" text,
	"attempt" integer,
	"reason" text,
	"details" jsonb,
	CONSTRAINT "workflow_events_run_id_seq_pk" PRIMARY KEY("run_id","seq")
);
--> statement-breakpoint
CREATE TABLE "workflow_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"workflow" text NOT NULL,
	"version" integer NOT NULL,
	"key" text NOT NULL,
	"subject" jsonb NOT NULL,
	"input" jsonb NOT NULL,
	"state" text NOT NULL,
	"step_index" integer DEFAULT 0 NOT NULL,
	"step_id" text,
	"attempt" integer DEFAULT 0 NOT NULL,
	"step_started_at" timestamp with time zone,
	"step_deadline_at" timestamp with time zone,
	"next_at" timestamp with time zone,
	"waiting_for" text,
	"reason" text,
	"last_error" text,
	"error_code" text,
	"cancel_reason" text,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"lease_token" integer DEFAULT 0 NOT NULL,
	"event_seq" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "workflow_steps" (
	"run_id" text NOT NULL,
	"step_id" text NOT NULL,
	"step_index" integer NOT NULL,
	"output" jsonb,
	"attempts" integer NOT NULL,
	"completed_at" timestamp with time zone NOT NULL,
	"undone_at" timestamp with time zone,
	CONSTRAINT "workflow_steps_run_id_step_id_pk" PRIMARY KEY("run_id","step_id")
);
--> statement-breakpoint
ALTER TABLE "workflow_events" ADD CONSTRAINT "workflow_events_run_id_workflow_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."workflow_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_steps" ADD CONSTRAINT "workflow_steps_run_id_workflow_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."workflow_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_runs_key_idx" ON "workflow_runs" USING btree ("workflow","key");--> statement-breakpoint
CREATE INDEX "workflow_runs_due_idx" ON "workflow_runs" USING btree ("state","next_at");