import type { Contexts, User } from "../api/types.ts";

/** What the console offers the user in one organization; the server still checks every call. */
export type Permissions = {
  isOperator: boolean;
  isOrgAdmin: boolean;
  /** Cost centers of the organization the user administers (all of them for org admins). */
  adminCostCenterIds: ReadonlySet<string>;
  canManageCostCenters: boolean;
  canCreateWorkspaces: boolean;
  canListUsers: boolean;
  canManageUsers: boolean;
  canSeeAuditLog: boolean;
  canSeeCostCenters: boolean;
};

export function permissionsOf(user: User, contexts: Contexts, orgId: string | null): Permissions {
  const isOperator = user.isOperator;
  const isOrgAdmin = isOperator || (orgId !== null && user.orgId === orgId && user.orgRole === "admin");
  const adminCostCenterIds = new Set(contexts.costCenters.filter((c) => c.orgId === orgId).map((c) => c.id));
  const isCostCenterAdmin = adminCostCenterIds.size > 0;
  const isWorkspaceAdmin = contexts.workspaces.some((w) => w.orgId === orgId && w.role === "admin");
  const hasOrg = orgId !== null;
  return {
    isOperator,
    isOrgAdmin: hasOrg && isOrgAdmin,
    adminCostCenterIds,
    canManageCostCenters: hasOrg && isOrgAdmin,
    canCreateWorkspaces: hasOrg && (isOrgAdmin || isCostCenterAdmin),
    canListUsers: hasOrg && (isOrgAdmin || isCostCenterAdmin || isWorkspaceAdmin),
    canManageUsers: hasOrg && isOrgAdmin,
    canSeeAuditLog: isOperator || (hasOrg && isOrgAdmin),
    canSeeCostCenters: hasOrg && (isOrgAdmin || isCostCenterAdmin),
  };
}
