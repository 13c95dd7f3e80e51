ALTER TABLE "usage_imports" ADD COLUMN "billing_period" text;--> statement-breakpoint
ALTER TABLE "usage_rows" ADD COLUMN "billing_period" text;--> statement-breakpoint
-- Rows published before periods were kept count as their own month's download.
UPDATE "usage_rows" r SET "billing_period" = s."month" FROM "usage_snapshots" s WHERE s."id" = r."snapshot_id";--> statement-breakpoint
ALTER TABLE "usage_rows" ALTER COLUMN "billing_period" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_rows" DROP CONSTRAINT "usage_rows_snapshot_id_natural_key_pk";--> statement-breakpoint
ALTER TABLE "usage_rows" ADD CONSTRAINT "usage_rows_snapshot_id_billing_period_natural_key_pk" PRIMARY KEY("snapshot_id","billing_period","natural_key");--> statement-breakpoint
ALTER TABLE "usage_snapshots" ADD COLUMN "periods" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
UPDATE "usage_snapshots" SET "periods" = jsonb_build_object("month", jsonb_build_object('hash', "content_hash", 'billed', "billed", 'rows', "row_count"));--> statement-breakpoint
ALTER TABLE "usage_snapshots" DROP COLUMN "content_hash";
