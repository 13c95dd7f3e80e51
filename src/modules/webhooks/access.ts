import type { Principal } from "../tenancy/index.ts";

/**
 * Who may manage an organization's webhooks: its administrators, and the partner's operators. Webhooks of an
 * organization the caller is not in do not exist for them.
 */
export const inOrg = (p: Principal, orgId: string): boolean => p.isOperator || p.orgId === orgId;

export const isOrgAdmin = (p: Principal, orgId: string): boolean =>
  p.isOperator || (p.orgId === orgId && p.orgRole === "admin");
