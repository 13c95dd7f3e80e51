CREATE TABLE "allowed_service_presets" (
	"id" text PRIMARY KEY NOT NULL,
	"label" text NOT NULL,
	"description" text NOT NULL,
	"service_ids" text[],
	"built_in" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE TABLE "drift_check_leases" (
	"subscription_id" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "drift_findings" (
	"id" text PRIMARY KEY NOT NULL,
	"provider_id" text NOT NULL,
	"org_id" text NOT NULL,
	"subscription_id" text NOT NULL,
	"kind" text NOT NULL,
	"severity" text NOT NULL,
	"status" text NOT NULL,
	"message" text NOT NULL,
	"fix" text,
	"detected_at" timestamp with time zone NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "governance_settings" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"default_preset_id" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text
);
--> statement-breakpoint
CREATE UNIQUE INDEX "drift_findings_open_key" ON "drift_findings" USING btree ("subscription_id","kind") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "drift_findings_provider_idx" ON "drift_findings" USING btree ("provider_id","id");--> statement-breakpoint
CREATE INDEX "drift_findings_status_idx" ON "drift_findings" USING btree ("status","id");--> statement-breakpoint
-- The built-in presets. Their services are defined by the catalog in code (service_ids NULL), so a service added
-- to the catalog reaches them without a migration.
INSERT INTO "allowed_service_presets" ("id", "label", "description", "service_ids", "built_in", "created_at", "updated_at") VALUES
  ('all-services', 'All services', 'Every service of the catalog, including services added to it later.', NULL, true, now(), now()),
  ('iaas', 'IaaS', 'Infrastructure only: virtual machines, networking, storage, backup and monitoring.', NULL, true, now(), now());
