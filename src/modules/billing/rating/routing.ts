import { usageAssignments } from "../tables.ts";
import { currencyOfCountry } from "./country-currencies.ts";
import type { BillingRatingDeps } from "./deps.ts";

/** Where a customer's usage is billed: the billing account, who it belongs to, and the invoice currency. */
export type BillingRoute = {
  billingAccountId: string;
  orgId: string;
  costCenterId: string | null;
  alias: string;
  currency: string;
};

/** Why a route was chosen, for people reading the unassigned usage and the detail. */
export type RouteRule = "assignment" | "provider_subscription" | "managed_subscription" | "provider_tenant";

/**
 * The routing table of one moment: which billing account each (customer tenant, Azure subscription) is billed to.
 * In order: (1) an operator's assignment of the customer; (2) a provider whose Azure subscription is the row's;
 * (3) a subscription onboarding manages, through its provider; (4) the oldest provider whose Azure tenant is the
 * customer. Only providers that are not removed and have a billing account count (option 1's subscriptions are
 * billed by Microsoft). The first rule that names an account decides: if that account is not connected (any more),
 * the usage is unassigned and waits for an operator, rather than going to a lower rule's account unseen.
 */
export type Router = {
  accountIdOf(
    customerId: string,
    entitlementId: string,
  ): { billingAccountId: string; rule: RouteRule } | null;
  /** The route of a billing account; null when it is not connected or its country's currency is unknown. */
  routeOfAccount(billingAccountId: string): Promise<BillingRoute | null>;
  /** The facts of the account, when connected, whether or not its currency is known. */
  accountOf: BillingRatingDeps["billingAccounts"]["accountOf"];
};

const key = (id: string) => id.trim().toLowerCase();

export async function loadRouter(deps: BillingRatingDeps): Promise<Router> {
  const [assigned, billedProviders, managed] = await Promise.all([
    deps.db.select().from(usageAssignments),
    deps.billedProviders(),
    deps.managedSubscriptions(),
  ]);
  const byCustomer = new Map(assigned.map((a) => [key(a.customerId), a.billingAccountId]));
  const accountOfProvider = new Map<string, string>();
  const bySubscription = new Map<string, string>();
  const byTenant = new Map<string, string>();
  for (const p of billedProviders) {
    accountOfProvider.set(p.id, p.billingAccountId);
    if (p.subscriptionId && !bySubscription.has(key(p.subscriptionId)))
      bySubscription.set(key(p.subscriptionId), p.billingAccountId);
    if (p.tenantId && !byTenant.has(key(p.tenantId))) byTenant.set(key(p.tenantId), p.billingAccountId);
  }
  const byManaged = new Map<string, string>();
  for (const m of managed) {
    const account = accountOfProvider.get(m.providerId);
    if (account && !byManaged.has(key(m.subscriptionId))) byManaged.set(key(m.subscriptionId), account);
  }

  const routes = new Map<string, Promise<BillingRoute | null>>();
  async function readRoute(billingAccountId: string): Promise<BillingRoute | null> {
    const account = await deps.billingAccounts.accountOf(billingAccountId);
    if (!account) return null;
    const currency = currencyOfCountry(account.country);
    if (!currency) return null;
    return {
      billingAccountId: account.id,
      orgId: account.orgId,
      costCenterId: account.costCenterId,
      alias: account.alias,
      currency,
    };
  }

  return {
    accountIdOf(customerId, entitlementId) {
      const assignment = byCustomer.get(key(customerId));
      if (assignment) return { billingAccountId: assignment, rule: "assignment" };
      const provider = bySubscription.get(key(entitlementId));
      if (provider) return { billingAccountId: provider, rule: "provider_subscription" };
      const managedBy = byManaged.get(key(entitlementId));
      if (managedBy) return { billingAccountId: managedBy, rule: "managed_subscription" };
      const tenant = byTenant.get(key(customerId));
      return tenant ? { billingAccountId: tenant, rule: "provider_tenant" } : null;
    },
    routeOfAccount(billingAccountId) {
      let route = routes.get(billingAccountId);
      if (!route) {
        route = readRoute(billingAccountId);
        routes.set(billingAccountId, route);
      }
      return route;
    },
    accountOf: (id) => deps.billingAccounts.accountOf(id),
  };
}
