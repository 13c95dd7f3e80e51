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
ALTER TABLE "terms_acceptances" ADD CONSTRAINT "terms_acceptances_billing_account_id_billing_accounts_id_fk" FOREIGN KEY ("billing_account_id") REFERENCES "public"."billing_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "billing_account_tickets_expiry_idx" ON "billing_account_tickets" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "billing_accounts_connected_alias_key" ON "billing_accounts" USING btree ("alias") WHERE disconnected_at IS NULL;--> statement-breakpoint
CREATE INDEX "billing_accounts_org_idx" ON "billing_accounts" USING btree ("org_id","id");--> statement-breakpoint
CREATE INDEX "terms_acceptances_account_idx" ON "terms_acceptances" USING btree ("billing_account_id","id");