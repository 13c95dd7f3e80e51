import type { Contexts, User, WorkspaceRole } from "../api/types.ts";

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
  /** Organization administrators, and cost-center administrators for their cost centers' accounts. */
  canManageBillingAccounts: boolean;
  /** Organization administrators, and cost-center administrators for their cost centers' accounts. */
  canSeeInvoices: boolean;
  /** Drafting a month's invoice: organization administrators (and operators). */
  canDraftInvoices: boolean;
  /** The organization's price plan: organization administrators (and operators). */
  canManagePricePlans: boolean;
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
    canManageBillingAccounts: hasOrg && (isOrgAdmin || isCostCenterAdmin),
    canSeeInvoices: hasOrg && (isOrgAdmin || isCostCenterAdmin),
    canDraftInvoices: hasOrg && isOrgAdmin,
    canManagePricePlans: hasOrg && isOrgAdmin,
  };
}

export type ProviderAccess = {
  /** Sees the workspace's providers: not a workspace User (product inventory §2.6). */
  see: boolean;
  /** Adds, renames, synchronizes and deletes them. */
  edit: boolean;
  /** May choose the optimized Azure options (billed through the partner): organization and cost-center admins. */
  optimized: boolean;
};

/** What the user may do with one workspace's providers; the server applies the same rule to every call. */
export function providerAccessIn(
  p: Permissions,
  workspace: { costCenterId: string; myRole: WorkspaceRole | null },
): ProviderAccess {
  const administers = p.isOrgAdmin || p.adminCostCenterIds.has(workspace.costCenterId);
  const role = workspace.myRole;
  const edit = administers || role === "admin";
  return {
    see: edit || role === "visitor" || role === "author",
    edit,
    optimized: administers,
  };
}
