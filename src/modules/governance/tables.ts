import { sql } from "drizzle-orm";
import { boolean, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { ts } from "../../platform/db/columns.ts";

/**
 * Allowed-services presets: the built-in `all-services` and `iaas` (rows the migration inserts, `builtIn`, their
 * services defined by the catalog in code, `serviceIds` null) and the partner's own (`serviceIds` listed).
 */
export const allowedServicePresets = pgTable("allowed_service_presets", {
  id: text("id").primaryKey(),
  label: text("label").notNull(),
  description: text("description").notNull(),
  serviceIds: text("service_ids").array(),
  builtIn: boolean("built_in").notNull().default(false),
  createdAt: ts("created_at").notNull(),
  createdBy: text("created_by"),
  updatedAt: ts("updated_at").notNull(),
  updatedBy: text("updated_by"),
});

/** The partner's governance settings: at most one row (`singleton`); without it the default preset is `all-services`. */
export const governanceSettings = pgTable("governance_settings", {
  singleton: boolean("singleton").primaryKey().default(true),
  defaultPresetId: text("default_preset_id").notNull(),
  updatedAt: ts("updated_at").notNull(),
  updatedBy: text("updated_by"),
});

export const findingKinds = ["access_lost", "access_repaired", "policy_repaired"] as const;
export const findingSeverities = ["high", "medium"] as const;
export const findingStatuses = ["open", "resolved"] as const;

/**
 * What drift checks found on managed subscriptions. Repairs are recorded already resolved; `access_lost` stays
 * open until a later check finds access again. At most one open finding per subscription and kind.
 */
export const driftFindings = pgTable(
  "drift_findings",
  {
    id: text("id").primaryKey(),
    providerId: text("provider_id").notNull(),
    orgId: text("org_id").notNull(),
    subscriptionId: text("subscription_id").notNull(),
    kind: text("kind", { enum: findingKinds }).notNull(),
    severity: text("severity", { enum: findingSeverities }).notNull(),
    status: text("status", { enum: findingStatuses }).notNull(),
    message: text("message").notNull(),
    /** What someone must do about it, when Partner Cloud could not repair it itself. */
    fix: text("fix"),
    detectedAt: ts("detected_at").notNull(),
    resolvedAt: ts("resolved_at"),
  },
  (t) => [
    uniqueIndex("drift_findings_open_key")
      .on(t.subscriptionId, t.kind)
      .where(sql`status = 'open'`),
    index("drift_findings_provider_idx").on(t.providerId, t.id),
    index("drift_findings_status_idx").on(t.status, t.id),
  ],
);

/**
 * Which process is checking a subscription right now, until when: a check takes the lease first, so several
 * worker processes never check the same subscription at once. An expired lease (a crashed process) is taken over.
 */
export const driftCheckLeases = pgTable("drift_check_leases", {
  subscriptionId: text("subscription_id").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: ts("expires_at").notNull(),
});
