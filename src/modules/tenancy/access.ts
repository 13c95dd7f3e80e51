import { err, ok, type Result } from "../../platform/result.ts";
import { tenancyErrors, type TenancyError } from "./errors.ts";
import type { Principal } from "./principal.ts";

/**
 * The access rules of the organization model (product inventory §1, §2.12), as pure functions.
 * Operators reach every organization. Objects of an organization the caller is not in are invisible (not found);
 * objects of the caller's organization that the role does not allow are forbidden.
 */
export const inOrg = (p: Principal, orgId: string): boolean => p.isOperator || p.orgId === orgId;

export const isOrgAdmin = (p: Principal, orgId: string): boolean =>
  p.isOperator || (p.orgId === orgId && p.orgRole === "admin");

export const isCostCenterAdmin = (p: Principal, orgId: string, costCenterId: string): boolean =>
  isOrgAdmin(p, orgId) || (p.orgId === orgId && p.costCenterAdminOf.has(costCenterId));

type WorkspaceRef = { id: string; orgId: string; costCenterId: string };

export const canAdministerWorkspace = (p: Principal, ws: WorkspaceRef): boolean =>
  isCostCenterAdmin(p, ws.orgId, ws.costCenterId) ||
  (p.orgId === ws.orgId && p.workspaceRoles.get(ws.id) === "admin");

export const canSeeWorkspace = (p: Principal, ws: WorkspaceRef): boolean =>
  canAdministerWorkspace(p, ws) || (p.orgId === ws.orgId && p.workspaceRoles.has(ws.id));

/** Org admins and cost-center admins manage people; workspace admins need the directory to add members. */
export const canListUsers = (p: Principal, orgId: string): boolean =>
  isOrgAdmin(p, orgId) || (p.orgId === orgId && (p.costCenterAdminOf.size > 0 || p.administersTeamWorkspace));

/**
 * For reads of organization-wide records kept by other modules (the audit log): the organization must exist for
 * the caller (else not_found) and the caller must administer it (else forbidden, saying `what` is theirs to read).
 */
export function requireOrgAdmin(p: Principal, orgId: string, what: string): Result<null, TenancyError> {
  if (!inOrg(p, orgId)) return err(tenancyErrors.notFound("organization", orgId));
  if (!isOrgAdmin(p, orgId))
    return err(tenancyErrors.forbidden(`Only organization administrators read ${what}.`));
  return ok(null);
}
