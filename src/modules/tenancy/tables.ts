import { sql } from "drizzle-orm";
import { boolean, index, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { ts } from "../../platform/db/columns.ts";

/** The operator running the platform: exactly one row once first-run setup is done. */
export const partners = pgTable("partners", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  singleton: boolean("singleton").notNull().default(true).unique(),
  createdAt: ts("created_at").notNull(),
});

export const organizations = pgTable(
  "organizations",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    createdAt: ts("created_at").notNull(),
    createdBy: text("created_by"),
  },
  (t) => [uniqueIndex("organizations_name_key").on(sql`lower(${t.name})`)],
);

/**
 * People. A user belongs to one organization (orgId) with an organization role, or is a partner operator
 * (orgId null, isOperator true). passwordHash is null for SSO-only accounts (later).
 */
export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    orgId: text("org_id").references(() => organizations.id),
    orgRole: text("org_role", { enum: ["admin", "member"] }),
    isOperator: boolean("is_operator").notNull().default(false),
    status: text("status", { enum: ["active", "disabled"] })
      .notNull()
      .default("active"),
    createdAt: ts("created_at").notNull(),
    disabledAt: ts("disabled_at"),
  },
  (t) => [
    uniqueIndex("users_email_key").on(sql`lower(${t.email})`),
    index("users_org_idx").on(t.orgId, t.id),
  ],
);

export const costCenters = pgTable(
  "cost_centers",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    name: text("name").notNull(),
    isDefault: boolean("is_default").notNull().default(false),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("cost_centers_name_key").on(t.orgId, sql`lower(${t.name})`),
    index("cost_centers_org_idx").on(t.orgId, t.id),
  ],
);

export const costCenterAdmins = pgTable(
  "cost_center_admins",
  {
    costCenterId: text("cost_center_id")
      .notNull()
      .references(() => costCenters.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.costCenterId, t.userId] }),
    index("cost_center_admins_user_idx").on(t.userId),
  ],
);

/** A workspace's cost center never changes: provider costs roll up through it. */
export const workspaces = pgTable(
  "workspaces",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    costCenterId: text("cost_center_id")
      .notNull()
      .references(() => costCenters.id),
    kind: text("kind", { enum: ["personal", "team"] }).notNull(),
    name: text("name").notNull(),
    icon: text("icon"),
    ownerUserId: text("owner_user_id").references(() => users.id),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    index("workspaces_org_idx").on(t.orgId, t.id),
    uniqueIndex("workspaces_personal_owner_key")
      .on(t.ownerUserId)
      .where(sql`kind = 'personal'`),
    uniqueIndex("workspaces_team_name_key")
      .on(t.orgId, sql`lower(${t.name})`)
      .where(sql`kind = 'team'`),
  ],
);

export const workspaceMembers = pgTable(
  "workspace_members",
  {
    workspaceId: text("workspace_id")
      .notNull()
      .references(() => workspaces.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    role: text("role", { enum: ["visitor", "user", "author", "admin"] }).notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.userId] }),
    index("workspace_members_user_idx").on(t.userId),
  ],
);

/** An invitation by e-mail. Only the SHA-256 of its token is stored. */
export const invitations = pgTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id")
      .notNull()
      .references(() => organizations.id),
    email: text("email").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    orgRole: text("org_role", { enum: ["admin", "member"] }).notNull(),
    workspaceId: text("workspace_id").references(() => workspaces.id),
    workspaceRole: text("workspace_role", { enum: ["visitor", "user", "author", "admin"] }),
    invitedBy: text("invited_by").notNull(),
    createdAt: ts("created_at").notNull(),
    expiresAt: ts("expires_at").notNull(),
    acceptedAt: ts("accepted_at"),
    acceptedUserId: text("accepted_user_id"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("invitations_org_idx").on(t.orgId, t.id)],
);

/** Scopes a user starred in the context switcher. */
export const favorites = pgTable(
  "favorites",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    scopeId: text("scope_id").notNull(),
    createdAt: ts("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.scopeId] })],
);
