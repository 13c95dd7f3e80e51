import type { Principal, WorkspaceRole } from "../tenancy/index.ts";

/** Where a provider lives: its workspace, and the cost center and organization above it. */
export type ProviderScope = {
  readonly orgId: string;
  readonly costCenterId: string;
  readonly workspaceId: string;
};

/** What a caller may do with the providers of one workspace. */
export type ProviderAccess = "none" | "see" | "edit";

/** Workspace roles and what they give on providers (product inventory §2.6): a User does not see providers. */
const byWorkspaceRole: Record<WorkspaceRole, ProviderAccess> = {
  visitor: "see",
  user: "none",
  author: "see",
  admin: "edit",
};

/**
 * The sharing rule of providers, in one place. Operators, the organization's administrators and the cost center's
 * administrators edit every provider in their scope; workspace members get what their role gives.
 * `inOrg` false means the provider does not exist for the caller (another organization: not found).
 */
export function providerAccess(
  p: Principal,
  scope: ProviderScope,
): { inOrg: boolean; access: ProviderAccess } {
  if (p.isOperator) return { inOrg: true, access: "edit" };
  if (p.orgId !== scope.orgId) return { inOrg: false, access: "none" };
  if (p.orgRole === "admin" || p.costCenterAdminOf.has(scope.costCenterId))
    return { inOrg: true, access: "edit" };
  const role = p.workspaceRoles.get(scope.workspaceId);
  return { inOrg: true, access: role ? byWorkspaceRole[role] : "none" };
}

export const canSeeProviders = (p: Principal, scope: ProviderScope): boolean =>
  providerAccess(p, scope).access !== "none";

export const canEditProviders = (p: Principal, scope: ProviderScope): boolean =>
  providerAccess(p, scope).access === "edit";

/** The optimized options (2 and 3) are offered to organization and cost-center administrators only (§2.1). */
export const canChooseOptimizedOption = (p: Principal, scope: ProviderScope): boolean =>
  p.isOperator ||
  (p.orgId === scope.orgId && (p.orgRole === "admin" || p.costCenterAdminOf.has(scope.costCenterId)));
