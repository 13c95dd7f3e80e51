CREATE TABLE "billing_account_settings" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"supported_countries" text[] NOT NULL,
	"terms_display_name" text,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "billing_account_tickets" (
	"ticket_hash" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"issued_to" text NOT NULL,
	"session" text,
	"accounts" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "billing_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"cost_center_id" text,
	"alias" text NOT NULL,
	"name" text NOT NULL,
	"country" text NOT NULL,
	"status" text NOT NULL,
	"demo" boolean NOT NULL,
	"internal" boolean NOT NULL,
	"reseller" boolean NOT NULL,
	"parent_alias" text,
	"parent_reseller" boolean NOT NULL,
	"connected_as" text NOT NULL,
	"connected_by" text NOT NULL,
	"connected_at" timestamp with time zone NOT NULL,
	"facts_read_at" timestamp with time zone NOT NULL,
	"session" text,
	"session_expires_at" timestamp with time zone,
	"disconnected_at" timestamp with time zone,
	"disconnected_by" text
);
--> statement-breakpoint
CREATE TABLE "terms_acceptances" (
	"id" text PRIMARY KEY NOT NULL,
	"billing_account_id" text NOT NULL,
	"org_id" text NOT NULL,
	"partner_terms_version" integer NOT NULL,
	"customer_agreement_version" integer NOT NULL,
	"accepted_by" text NOT NULL,
	"accepted_at" timestamp with time zone NOT NULL,
	"client_address" text NOT NULL,
	"user_agent" text NOT NULL,
	"contact_first_name" text NOT NULL,
	"contact_last_name" text NOT NULL,
	"contact_email" text NOT NULL,
	"contact_phone" text
);
--> statement-breakpoint
CREATE TABLE "terms_documents" (
	"kind" text NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"url" text,
	"published_at" timestamp with time zone NOT NULL,
	"published_by" text,
	CONSTRAINT "terms_documents_kind_version_pk" PRIMARY KEY("kind","version")
);
--> statement-breakpoint
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
CREATE TABLE "provider_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"provider_id" text NOT NULL,
	"org_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" text,
	"actor_email" text,
	"event" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"message" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "providers" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"cost_center_id" text NOT NULL,
	"workspace_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"option" text NOT NULL,
	"state" text NOT NULL,
	"failure_reason" text,
	"billing_account_id" text,
	"tenant_input" text,
	"azure_tenant_id" text,
	"azure_subscription_id" text,
	"azure_subscription_name" text,
	"client_id" text,
	"client_secret_encrypted" text,
	"onboarding_run_id" text,
	"created_by" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"last_synced_at" timestamp with time zone,
	"removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "shutdown_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"provider_id" text NOT NULL,
	"org_id" text NOT NULL,
	"workspace_id" text NOT NULL,
	"requested_by" text,
	"requester_email" text,
	"requester_name" text,
	"reason" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "terms_acceptances" ADD CONSTRAINT "terms_acceptances_billing_account_id_billing_accounts_id_fk" FOREIGN KEY ("billing_account_id") REFERENCES "public"."billing_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_events" ADD CONSTRAINT "workflow_events_run_id_workflow_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."workflow_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workflow_steps" ADD CONSTRAINT "workflow_steps_run_id_workflow_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."workflow_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "billing_account_tickets_expiry_idx" ON "billing_account_tickets" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "billing_accounts_connected_alias_key" ON "billing_accounts" USING btree ("alias") WHERE disconnected_at IS NULL;--> statement-breakpoint
CREATE INDEX "billing_accounts_org_idx" ON "billing_accounts" USING btree ("org_id","id");--> statement-breakpoint
CREATE INDEX "terms_acceptances_account_idx" ON "terms_acceptances" USING btree ("billing_account_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "workflow_runs_key_idx" ON "workflow_runs" USING btree ("workflow","key");--> statement-breakpoint
CREATE INDEX "workflow_runs_due_idx" ON "workflow_runs" USING btree ("state","next_at");--> statement-breakpoint
CREATE INDEX "provider_events_provider_idx" ON "provider_events" USING btree ("provider_id","seq");--> statement-breakpoint
CREATE INDEX "providers_workspace_idx" ON "providers" USING btree ("workspace_id","id");--> statement-breakpoint
CREATE INDEX "providers_org_idx" ON "providers" USING btree ("org_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "providers_name_key" ON "providers" USING btree ("workspace_id",lower("name")) WHERE removed_at IS NULL;--> statement-breakpoint
CREATE INDEX "shutdown_requests_status_idx" ON "shutdown_requests" USING btree ("status","id");