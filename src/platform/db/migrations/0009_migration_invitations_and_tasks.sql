CREATE TABLE "migration_invitations" (
	"run_id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"to_email" text NOT NULL,
	"primary_domain" text NOT NULL,
	"token_hash" text NOT NULL,
	"token_sealed" text NOT NULL,
	"reseller_link" text NOT NULL,
	"gdap_relationship_id" text,
	"gdap_approval_url" text,
	"gdap_status" text,
	"sends" integer NOT NULL,
	"first_sent_at" timestamp with time zone NOT NULL,
	"last_sent_at" timestamp with time zone NOT NULL,
	"reminders_sent" integer DEFAULT 0 NOT NULL,
	"next_reminder_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	"declined_at" timestamp with time zone,
	"decline_reason" text,
	"accepted_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "migration_invitations_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "migration_subscriptions" (
	"run_id" text NOT NULL,
	"subscription_id" text NOT NULL,
	"org_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"display_name" text NOT NULL,
	"quota_id" text NOT NULL,
	"disposition" text NOT NULL,
	"state" text NOT NULL,
	"other_partners" jsonb NOT NULL,
	"target_subscription_id" text,
	"task_id" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "migration_subscriptions_run_id_subscription_id_pk" PRIMARY KEY("run_id","subscription_id")
);
--> statement-breakpoint
CREATE TABLE "technical_tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"run_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"subscription_id" text NOT NULL,
	"subscription_name" text NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"instructions" text NOT NULL,
	"state" text NOT NULL,
	"completed_by" text,
	"completed_at" timestamp with time zone,
	"note" text,
	"target_subscription_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "migration_invitations" ADD CONSTRAINT "migration_invitations_run_id_workflow_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."workflow_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "migration_subscriptions" ADD CONSTRAINT "migration_subscriptions_run_id_workflow_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."workflow_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "technical_tasks" ADD CONSTRAINT "technical_tasks_run_id_workflow_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."workflow_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "migration_invitations_reminder_idx" ON "migration_invitations" USING btree ("next_reminder_at");--> statement-breakpoint
CREATE UNIQUE INDEX "technical_tasks_subject_key" ON "technical_tasks" USING btree ("run_id","subscription_id","kind");--> statement-breakpoint
CREATE INDEX "technical_tasks_state_idx" ON "technical_tasks" USING btree ("state","created_at");