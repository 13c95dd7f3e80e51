import { eq } from "drizzle-orm";
import type { Executor } from "../../platform/db/types.ts";
import { costCenterAdmins, users, workspaceMembers, workspaces } from "./tables.ts";

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

export async function loadPrincipal(db: Executor, userId: string): Promise<Principal | null> {
  const [u] = await db.select().from(users).where(eq(users.id, userId));
  if (!u) return null;
  const [ccs, wss] = await Promise.all([
    db
      .select({ id: costCenterAdmins.costCenterId })
      .from(costCenterAdmins)
      .where(eq(costCenterAdmins.userId, userId)),
    db
      .select({ id: workspaceMembers.workspaceId, role: workspaceMembers.role, kind: workspaces.kind })
      .from(workspaceMembers)
      .innerJoin(workspaces, eq(workspaces.id, workspaceMembers.workspaceId))
      .where(eq(workspaceMembers.userId, userId)),
  ]);
  return {
    userId: u.id,
    email: u.email,
    name: u.name,
    isOperator: u.isOperator,
    orgId: u.orgId,
    orgRole: u.orgRole,
    status: u.status,
    costCenterAdminOf: new Set(ccs.map((c) => c.id)),
    workspaceRoles: new Map(wss.map((w) => [w.id, w.role])),
    administersTeamWorkspace: wss.some((w) => w.kind === "team" && w.role === "admin"),
  };
}
