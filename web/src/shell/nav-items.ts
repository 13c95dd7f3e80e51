import type { Permissions } from "../session/permissions.ts";

export type NavItem = { to: string; label: string };

/** The left navigation: only what the user's role can use. */
export function navItemsFor(p: Permissions, hasOrg: boolean): NavItem[] {
  const items: NavItem[] = [];
  if (hasOrg) items.push({ to: "/overview", label: "Overview" });
  if (p.isOperator) items.push({ to: "/organizations", label: "Organizations" });
  if (p.isOperator) items.push({ to: "/onboarding-runs", label: "Onboarding runs" });
  if (p.isOperator) items.push({ to: "/technical-tasks", label: "Technical tasks" });
  if (p.canSeeCostCenters) items.push({ to: "/cost-centers", label: "Cost centers" });
  if (hasOrg) items.push({ to: "/workspaces", label: "Workspaces" });
  if (p.canManageBillingAccounts) items.push({ to: "/billing-accounts", label: "Billing accounts" });
  if (p.canSeeInvoices) items.push({ to: "/billing/invoices", label: "Invoices" });
  if (p.canManagePricePlans) items.push({ to: "/billing/price-plan", label: "Price plan" });
  if (p.isOperator) items.push({ to: "/billing/usage", label: "Usage data" });
  if (p.isOperator) items.push({ to: "/billing/unassigned-usage", label: "Unassigned usage" });
  if (p.isOperator) items.push({ to: "/billing/exchange-rates", label: "Exchange rates" });
  if (p.isOperator) items.push({ to: "/billing/policy", label: "Billing policy" });
  if (p.canListUsers) items.push({ to: "/users", label: "Users" });
  if (p.canSeeAuditLog) items.push({ to: "/audit-log", label: "Audit log" });
  if (p.isOperator) items.push({ to: "/mailbox", label: "Mailbox" });
  if (p.isOperator) items.push({ to: "/microsoft-connection", label: "Microsoft connection" });
  return items;
}
