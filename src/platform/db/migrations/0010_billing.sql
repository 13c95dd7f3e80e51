CREATE TABLE "billing_settings" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"label" text NOT NULL,
	"split_services" boolean NOT NULL,
	"timing" text NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "exchange_rates" (
	"from_currency" text NOT NULL,
	"to_currency" text NOT NULL,
	"month" text NOT NULL,
	"rate" text NOT NULL,
	"set_by" text NOT NULL,
	"set_at" timestamp with time zone NOT NULL,
	CONSTRAINT "exchange_rates_from_currency_to_currency_month_pk" PRIMARY KEY("from_currency","to_currency","month")
);
--> statement-breakpoint
CREATE TABLE "invoice_lines" (
	"invoice_id" text NOT NULL,
	"line_no" integer NOT NULL,
	"kind" text NOT NULL,
	"description" text NOT NULL,
	"service_period" text NOT NULL,
	"service_class" text NOT NULL,
	"exact" text NOT NULL,
	"amount" text NOT NULL,
	"list_price" text NOT NULL,
	"partner_cost" text NOT NULL,
	"row_count" integer NOT NULL,
	CONSTRAINT "invoice_lines_invoice_id_line_no_pk" PRIMARY KEY("invoice_id","line_no")
);
--> statement-breakpoint
CREATE TABLE "invoice_usage" (
	"invoice_id" text NOT NULL,
	"customer_id" text NOT NULL,
	"usage_date" text NOT NULL,
	"snapshot_id" bigint NOT NULL,
	"customer_price" text NOT NULL,
	"list_price" text NOT NULL,
	"partner_cost" text NOT NULL,
	CONSTRAINT "invoice_usage_invoice_id_customer_id_usage_date_pk" PRIMARY KEY("invoice_id","customer_id","usage_date")
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" text PRIMARY KEY NOT NULL,
	"number" text,
	"org_id" text NOT NULL,
	"billing_account_id" text NOT NULL,
	"cost_center_id" text,
	"period" text NOT NULL,
	"kind" text NOT NULL,
	"credits_invoice_id" text,
	"currency" text NOT NULL,
	"state" text NOT NULL,
	"basis" text NOT NULL,
	"total" text NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"finalized_at" timestamp with time zone,
	"finalized_by" text,
	"post_state" text NOT NULL,
	"posted_at" timestamp with time zone,
	"post_error" jsonb
);
--> statement-breakpoint
CREATE TABLE "price_plans" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"effective_from" text NOT NULL,
	"markup_percent" text NOT NULL,
	"category_markups" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_assignments" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"billing_account_id" text NOT NULL,
	"assigned_by" text NOT NULL,
	"assigned_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_import_rows" (
	"import_id" text NOT NULL,
	"line" bigint NOT NULL,
	"natural_key" text NOT NULL,
	"customer_id" text NOT NULL,
	"customer_name" text NOT NULL,
	"usage_date" text NOT NULL,
	"entitlement_id" text NOT NULL,
	"subscription_id" text NOT NULL,
	"meter_id" text NOT NULL,
	"meter_name" text NOT NULL,
	"meter_category" text NOT NULL,
	"resource_uri" text NOT NULL,
	"resource_location" text NOT NULL,
	"charge_type" text NOT NULL,
	"unit" text NOT NULL,
	"quantity" text NOT NULL,
	"unit_price" text NOT NULL,
	"effective_unit_price" text NOT NULL,
	"pricing_currency" text NOT NULL,
	"billing_currency" text NOT NULL,
	"pc_to_bc_exchange_rate" text NOT NULL,
	"pc_to_bc_exchange_rate_date" text NOT NULL,
	"partner_earned_credit_rate" text NOT NULL,
	CONSTRAINT "usage_import_rows_import_id_line_pk" PRIMARY KEY("import_id","line")
);
--> statement-breakpoint
CREATE TABLE "usage_imports" (
	"id" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"label" text NOT NULL,
	"microsoft_invoice_id" text,
	"state" text NOT NULL,
	"committed_line" bigint DEFAULT 0 NOT NULL,
	"committed_offset" bigint DEFAULT 0 NOT NULL,
	"rows_staged" bigint DEFAULT 0 NOT NULL,
	"rows_quarantined" bigint DEFAULT 0 NOT NULL,
	"snapshots_created" integer DEFAULT 0 NOT NULL,
	"snapshots_unchanged" integer DEFAULT 0 NOT NULL,
	"error" jsonb,
	"started_by" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "usage_months" (
	"customer_id" text NOT NULL,
	"month" text NOT NULL,
	"state" text NOT NULL,
	"final_import_id" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "usage_months_customer_id_month_pk" PRIMARY KEY("customer_id","month")
);
--> statement-breakpoint
CREATE TABLE "usage_quarantine" (
	"import_id" text NOT NULL,
	"line" bigint NOT NULL,
	"code" text NOT NULL,
	"reason" text NOT NULL,
	CONSTRAINT "usage_quarantine_import_id_line_pk" PRIMARY KEY("import_id","line")
);
--> statement-breakpoint
CREATE TABLE "usage_rows" (
	"snapshot_id" bigint NOT NULL,
	"natural_key" text NOT NULL,
	"customer_id" text NOT NULL,
	"customer_name" text NOT NULL,
	"usage_date" text NOT NULL,
	"entitlement_id" text NOT NULL,
	"subscription_id" text NOT NULL,
	"meter_id" text NOT NULL,
	"meter_name" text NOT NULL,
	"meter_category" text NOT NULL,
	"resource_uri" text NOT NULL,
	"resource_location" text NOT NULL,
	"charge_type" text NOT NULL,
	"unit" text NOT NULL,
	"quantity" text NOT NULL,
	"unit_price" text NOT NULL,
	"effective_unit_price" text NOT NULL,
	"pricing_currency" text NOT NULL,
	"billing_currency" text NOT NULL,
	"pc_to_bc_exchange_rate" text NOT NULL,
	"pc_to_bc_exchange_rate_date" text NOT NULL,
	"partner_earned_credit_rate" text NOT NULL,
	CONSTRAINT "usage_rows_snapshot_id_natural_key_pk" PRIMARY KEY("snapshot_id","natural_key")
);
--> statement-breakpoint
CREATE TABLE "usage_snapshots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"usage_date" text NOT NULL,
	"month" text NOT NULL,
	"version" integer NOT NULL,
	"import_id" text NOT NULL,
	"billed" boolean NOT NULL,
	"row_count" integer NOT NULL,
	"content_hash" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "invoice_usage_day_idx" ON "invoice_usage" USING btree ("customer_id","usage_date");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_account_period_key" ON "invoices" USING btree ("billing_account_id","period") WHERE kind = 'invoice';--> statement-breakpoint
CREATE INDEX "invoices_org_idx" ON "invoices" USING btree ("org_id","period");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_number_key" ON "invoices" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "price_plans_effective_key" ON "price_plans" USING btree ("org_id","effective_from");--> statement-breakpoint
CREATE INDEX "usage_import_rows_day_idx" ON "usage_import_rows" USING btree ("import_id","customer_id","usage_date");--> statement-breakpoint
CREATE UNIQUE INDEX "usage_imports_key" ON "usage_imports" USING btree ("source","kind","key");--> statement-breakpoint
CREATE INDEX "usage_imports_started_idx" ON "usage_imports" USING btree ("started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "usage_snapshots_version_key" ON "usage_snapshots" USING btree ("customer_id","usage_date","version");--> statement-breakpoint
CREATE UNIQUE INDEX "usage_snapshots_import_key" ON "usage_snapshots" USING btree ("import_id","customer_id","usage_date");--> statement-breakpoint
CREATE INDEX "usage_snapshots_month_idx" ON "usage_snapshots" USING btree ("month","customer_id");