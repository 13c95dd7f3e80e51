import type { Principal } from "../tenancy/index.ts";

/**
 * Who may see and manage billing accounts: operators everywhere; organization administrators every account of
 * their organization; cost-center administrators the accounts connected to their cost centers. Objects of an
 * organization the caller is not in do not exist for them.
 */
export const inOrg = (p: Principal, orgId: string): boolean => p.isOperator || p.orgId === orgId;

export const isOrgAdmin = (p: Principal, orgId: string): boolean =>
  p.isOperator || (p.orgId === orgId && p.orgRole === "admin");

export const administers = (p: Principal, account: { orgId: string; costCenterId: string | null }): boolean =>
  isOrgAdmin(p, account.orgId) ||
  (account.costCenterId !== null &&
    p.orgId === account.orgId &&
    p.costCenterAdminOf.has(account.costCenterId));

/** Whether the caller may connect an account somewhere in the organization (to it, or to a cost center of theirs). */
export const mayConnectIn = (p: Principal, orgId: string): boolean =>
  isOrgAdmin(p, orgId) || (p.orgId === orgId && p.costCenterAdminOf.size > 0);

export const roleNeeded = {
  connect:
    "Connecting a partner cloud account needs the organization administrator role, or the cost-center administrator role to connect one to your cost center.",
  connectToOrg:
    "Connecting a partner cloud account to the whole organization needs the organization administrator role; as a cost-center administrator, give costCenterId of your cost center.",
  connectToCostCenter:
    "Connecting a partner cloud account to this cost center needs the administrator role of that cost center (or of the organization).",
  manage:
    "Billing accounts are managed by organization administrators, and by cost-center administrators for their cost center's accounts.",
  list: "Billing accounts are listed for organization administrators and cost-center administrators only.",
  operators: "Only the partner's operators may do this.",
};
