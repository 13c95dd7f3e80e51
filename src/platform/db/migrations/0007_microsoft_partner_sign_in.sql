CREATE TABLE "microsoft_partner_sign_in" (
	"singleton" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"id" text NOT NULL,
	"refresh_token_sealed" text NOT NULL,
	"user_principal_name" text NOT NULL,
	"user_object_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"mfa" boolean NOT NULL,
	"signed_in_at" timestamp with time zone NOT NULL,
	"signed_in_by" text NOT NULL,
	"signed_in_by_email" text,
	"refreshed_at" timestamp with time zone,
	CONSTRAINT "microsoft_partner_sign_in_singleton" CHECK ("microsoft_partner_sign_in"."singleton")
);
--> statement-breakpoint
CREATE TABLE "microsoft_sign_in_requests" (
	"state_sha256" text PRIMARY KEY NOT NULL,
	"code_verifier_sealed" text NOT NULL,
	"requested_by" text NOT NULL,
	"requested_by_email" text,
	"requested_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "microsoft_sign_in_requests_expires_idx" ON "microsoft_sign_in_requests" USING btree ("expires_at");