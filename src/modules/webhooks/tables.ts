import { boolean, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { ts } from "../../platform/db/columns.ts";

/**
 * An organization's webhook endpoints. The signing secret is stored only under the secret box; after a roll the
 * previous one keeps signing too until `previousSecretExpiresAt`, so receivers can switch without losing events.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    url: text("url").notNull(),
    description: text("description").notNull(),
    /** Subscribed event types, or `["*"]` for all. */
    eventTypes: text("event_types").array().notNull(),
    enabled: boolean("enabled").notNull(),
    secretEncrypted: text("secret_encrypted").notNull(),
    previousSecretEncrypted: text("previous_secret_encrypted"),
    previousSecretExpiresAt: ts("previous_secret_expires_at"),
    createdBy: text("created_by"),
    createdAt: ts("created_at").notNull(),
    updatedAt: ts("updated_at").notNull(),
    secretRolledAt: ts("secret_rolled_at"),
  },
  (t) => [index("webhook_endpoints_org_idx").on(t.orgId, t.id)],
);

/** One event as announced: `body` is the exact JSON envelope sent (and signed) on every attempt. */
export const webhookEvents = pgTable("webhook_events", {
  id: text("id").primaryKey(),
  orgId: text("org_id").notNull(),
  type: text("type").notNull(),
  body: text("body").notNull(),
  createdAt: ts("created_at").notNull(),
});

/**
 * The transactional outbox: one row per event and subscribed endpoint, written in the transaction of the change
 * that caused the event. `pending` rows are due at `nextAttemptAt`; a claimed row's `nextAttemptAt` is its lease.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => webhookEvents.id),
    webhookId: text("webhook_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    orgId: text("org_id").notNull(),
    eventType: text("event_type").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed", "cancelled"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at"),
    lastAttemptAt: ts("last_attempt_at"),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    deliveredAt: ts("delivered_at"),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_webhook_idx").on(t.webhookId, t.id),
  ],
);
