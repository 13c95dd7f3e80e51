import { eq, sql } from "drizzle-orm";
import type { Executor } from "../../platform/db/types.ts";
import { users } from "./tables.ts";

export type OrgRole = "admin" | "member";
export type WorkspaceRole = "visitor" | "user" | "author" | "admin";

/** What a signed-in user may reach: loaded once per request. */
export type Principal = {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly isOperator: boolean;
  readonly orgId: string | null;
  readonly orgRole: OrgRole | null;
  readonly status: "active" | "disabled";
  readonly costCenterAdminOf: ReadonlySet<string>;
  readonly workspaceRoles: ReadonlyMap<string, WorkspaceRole>;
  /** Whether the user administers a team workspace (everyone administers their own personal one). */
  readonly administersTeamWorkspace: boolean;
};

/** Loads a user with their cost-center and workspace roles in one round trip: it runs on every request. */
export async function loadPrincipal(db: Executor, userId: string): Promise<Principal | null> {
  const [u] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      isOperator: users.isOperator,
      orgId: users.orgId,
      orgRole: users.orgRole,
      status: users.status,
      // Written out with table names: drizzle leaves columns unqualified in a one-table select.
      costCenterIds: sql<
        string[] | null
      >`(SELECT array_agg(a.cost_center_id) FROM cost_center_admins a WHERE a.user_id = users.id)`,
      memberships: sql<[string, WorkspaceRole, "personal" | "team"][] | null>`(
        SELECT json_agg(json_build_array(m.workspace_id, m.role, w.kind))
        FROM workspace_members m JOIN workspaces w ON w.id = m.workspace_id
        WHERE m.user_id = users.id)`,
    })
    .from(users)
    .where(eq(users.id, userId));
  if (!u) return null;
  const memberships = u.memberships ?? [];
  return {
    userId: u.id,
    email: u.email,
    name: u.name,
    isOperator: u.isOperator,
    orgId: u.orgId,
    orgRole: u.orgRole,
    status: u.status,
    costCenterAdminOf: new Set(u.costCenterIds ?? []),
    workspaceRoles: new Map(memberships.map(([id, role]) => [id, role])),
    administersTeamWorkspace: memberships.some(([, role, kind]) => kind === "team" && role === "admin"),
  };
}
