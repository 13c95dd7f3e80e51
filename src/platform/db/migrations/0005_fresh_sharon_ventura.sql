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
CREATE INDEX "provider_events_provider_idx" ON "provider_events" USING btree ("provider_id","seq");--> statement-breakpoint
CREATE INDEX "providers_workspace_idx" ON "providers" USING btree ("workspace_id","id");--> statement-breakpoint
CREATE INDEX "providers_org_idx" ON "providers" USING btree ("org_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "providers_name_key" ON "providers" USING btree ("workspace_id",lower("name")) WHERE removed_at IS NULL;--> statement-breakpoint
CREATE INDEX "shutdown_requests_status_idx" ON "shutdown_requests" USING btree ("status","id");