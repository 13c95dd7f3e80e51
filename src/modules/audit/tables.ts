import { bigserial, index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { ts } from "../../platform/db/columns.ts";

/**
 * The append-only audit log. A trigger (migration 0001) refuses UPDATE, DELETE and TRUNCATE; each row carries the
 * hash of its predecessor so a row edited behind the application's back is detected.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    id: text("id").notNull().unique(),
    at: ts("at").notNull(),
    actorId: text("actor_id"),
    actorEmail: text("actor_email"),
    actorKind: text("actor_kind", { enum: ["user", "token", "system"] }).notNull(),
    orgId: text("org_id"),
    costCenterId: text("cost_center_id"),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    requestId: text("request_id"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [index("audit_events_org_idx").on(t.orgId, t.seq)],
);
