CREATE TABLE "azure_customers" (
	"org_id" text PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"billing_account_id" text NOT NULL,
	"state" text NOT NULL,
	"creating_provider_id" text NOT NULL,
	"tenant_id" text,
	"domain" text,
	"company_name" text NOT NULL,
	"azure_plan_id" text,
	"admin_user_name" text,
	"admin_password_sealed" text,
	"credentials" text,
	"credentials_shown_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "azure_customers_id_unique" UNIQUE("id")
);
